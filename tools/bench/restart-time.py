#!/usr/bin/env python3
"""How long a node of a running local cluster takes to come back: process start -> first /ready 200.

usage: tools/bench/restart-time.py DIR NODE HTTP_PORT COUNT [--jars]

Stops NODE of the local cluster in DIR (`stemedb cluster stop-node`) and starts it again
(`cluster start-node`) COUNT times, and prints, for each start, the time from the node process's own
start (its start time in /proc, so the CLI's start is not counted) to the first 200 from its /ready,
then the median. STEMEDB_NODE_JAVA_OPTS passes JVM options to the node, as for `cluster up`.

--jars runs the CLI on the tools jar and its dependency jars instead of tools/target/classes: the node
inherits that class path, and the JDK's class data sharing (-XX:ArchiveClassesAtExit,
-XX:SharedArchiveFile) works only on jars. docs/benchmarks.md (session 10) used it so:
  STEMEDB_NODE_JAVA_OPTS=-XX:ArchiveClassesAtExit=/tmp/node.jsa tools/bench/restart-time.py D n3 P 1 --jars
  tools/bench/restart-time.py D n3 P 5 --jars
  STEMEDB_NODE_JAVA_OPTS=-XX:SharedArchiveFile=/tmp/node.jsa tools/bench/restart-time.py D n3 P 5 --jars
"""
import glob
import os
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cli_command(jars):
    if not jars:
        return [os.path.join(ROOT, "stemedb")]
    tools_jar = [j for j in glob.glob(os.path.join(ROOT, "tools/target/stemedb-tools-*.jar"))
                 if not j.endswith(("-sources.jar", "-tests.jar"))]
    if not tools_jar:
        sys.exit("no tools jar: run ./stemedb once (it builds and installs the modules)")
    with open(os.path.join(ROOT, "tools/target/classpath.txt")) as f:
        cp = tools_jar[0] + ":" + f.read().strip()
    return ["java", "-cp", cp, "io.stemedb.tools.StemeDbCli"]


def process_start_seconds(pid):
    """The process's start, in seconds since boot (field 22 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")


def uptime_seconds():
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def main():
    args = [a for a in sys.argv[1:] if a != "--jars"]
    if len(args) != 4:
        sys.exit(__doc__)
    directory, node, port, count = args[0], args[1], int(args[2]), int(args[3])
    cli = cli_command("--jars" in sys.argv)
    times = []
    for i in range(count):
        for action in ("stop-node", "start-node"):
            subprocess.run(cli + ["cluster", action, "--dir", directory, node], check=True, capture_output=True)
        with open(os.path.join(directory, node, "node.pid")) as f:
            start = process_start_seconds(int(f.read()))
        deadline = time.monotonic() + 120
        while not ready(port):
            if time.monotonic() > deadline:
                sys.exit(f"{node} not ready within 120 s; see {directory}/{node}/node.log")
            time.sleep(0.02)
        ms = (uptime_seconds() - start) * 1000
        times.append(ms)
        print(f"start {i + 1}: {ms:,.0f} ms", flush=True)
    times.sort()
    print(f"median {times[len(times) // 2]:,.0f} ms (min {times[0]:,.0f}, max {times[-1]:,.0f}) over {count}; "
          f"node JVM options: {os.environ.get('STEMEDB_NODE_JAVA_OPTS') or '(none)'}")


if __name__ == "__main__":
    main()
