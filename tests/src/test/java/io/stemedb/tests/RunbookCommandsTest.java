package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command in the runbooks' {@code sh} blocks, run as written — in order, runbook by runbook, in
 * bash with {@code set -euo pipefail} — against a local three-node cluster started the README's way.
 * Only the ports (a free range instead of 18180…), {@code /tmp} (a temporary directory) and the
 * {@code deploy/} path (this checkout's) are substituted; {@code ./stemedb} is the CLI.
 */
class RunbookCommandsTest {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Pattern SH_BLOCK = Pattern.compile("(?ms)^ *```sh\\n(.*?)^ *```");
  @TempDir Path work;

  static List<String> commands(Path runbook) throws Exception {
    List<String> blocks = new ArrayList<>();
    Matcher m = SH_BLOCK.matcher(Files.readString(runbook, StandardCharsets.UTF_8));
    while (m.find()) {
      blocks.add(m.group(1).replaceAll("(?m)^  ", ""));
    }
    return blocks;
  }

  @Test
  void everyRunbookCommandWorksOnTheLocalCluster() throws Exception {
    List<Path> runbooks;
    try (Stream<Path> files = Files.list(REPO.resolve("docs/runbooks"))) {
      runbooks = files.filter(p -> p.getFileName().toString().matches("\\d{3}-.*\\.md")).sorted().toList();
    }
    assertThat(runbooks).extracting(p -> p.getFileName().toString().substring(0, 3))
        .contains("001", "002", "003", "004", "005", "006");
    Path cli = work.resolve("stemedb");
    Files.writeString(cli, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
        + System.getProperty("java.class.path") + "' io.stemedb.tools.StemeDbCli \"$@\"\n");
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(work.resolve("tmp"));
    OpsCluster cluster = OpsCluster.up(work.resolve(".stemedb/local"));
    try {
      for (Path runbook : runbooks) {
        List<String> blocks = commands(runbook);
        String name = runbook.getFileName().toString();
        assertThat(blocks).as(name + " has commands to run").isNotEmpty();
        String script = "set -euo pipefail\n" + String.join("\n", blocks);
        script = script.replace("18180", Integer.toString(cluster.base))
            .replace("18280", Integer.toString(cluster.base + 100))
            .replace("18380", Integer.toString(cluster.base + 200))
            .replace("/tmp/", work.resolve("tmp") + "/")
            .replace("deploy/bin/", REPO.resolve("deploy/bin") + "/");
        Process p = new ProcessBuilder("bash", "-c", script).directory(work.toFile()).redirectErrorStream(true).start();
        String output;
        boolean done = p.waitFor(300, TimeUnit.SECONDS);
        if (!done) {
          p.destroyForcibly();
        }
        output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("===== " + name + "\n" + output);
        assertThat(done).as(name + " finished within 300 s:\n" + output).isTrue();
        assertThat(p.exitValue()).as(name + " ran every command:\n" + output).isZero();
      }
    } finally {
      cluster.close();
    }
  }
}
