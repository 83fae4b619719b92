#!/usr/bin/env python3
"""CPU used by each kind of thread of running JVMs over an interval, in cores.

usage: tools/bench/thread-cpu.py SECONDS PID [PID...]

Reads utime+stime of every thread from /proc/<pid>/task/*/stat at the start and the end of the
interval, names each thread by its full Java name (`jcmd <pid> Thread.print`; /proc cuts names at 15
characters), folds numbers and Raft group ids out of the names so that e.g. the 64 Jetty threads count
as one line, and prints each JVM's total and its largest lines. docs/benchmarks.md uses it for the
per-thread accounts of the write and ingest paths.
"""
import collections
import os
import re
import subprocess
import sys
import time


def ticks(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                s = f.read()
        except OSError:
            continue  # the thread ended meanwhile
        fields = s[s.rindex(")") + 2:].split()
        out[tid] = (s[s.index("(") + 1:s.rindex(")")], int(fields[11]) + int(fields[12]))
    return out


def java_names(pid):
    text = subprocess.run(["jcmd", str(pid), "Thread.print"], capture_output=True, text=True).stdout
    return {str(int(m.group(2), 16)): m.group(1) for m in re.finditer(r'^"([^"]+)".*?nid=0x([0-9a-f]+)', text, re.M)}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    seconds, pids = float(sys.argv[1]), sys.argv[2:]
    hz = os.sysconf("SC_CLK_TCK")
    before = {p: ticks(p) for p in pids}
    time.sleep(seconds)
    after = {p: ticks(p) for p in pids}
    for p in pids:
        names = java_names(p)
        cores = collections.Counter()
        for tid, (name, t) in after[p].items():
            used = t - before[p].get(tid, (name, 0))[1]
            kind = re.sub(r"[0-9]+", "N", re.sub(r"-[0-9A-F]{12}", "", names.get(tid, name)))
            cores[kind] += used / hz / seconds
        print(f"pid {p}: {sum(cores.values()):.2f} cores")
        for kind, c in cores.most_common(15):
            if c >= 0.001:
                print(f"  {c:6.3f}  {kind}")


if __name__ == "__main__":
    main()
