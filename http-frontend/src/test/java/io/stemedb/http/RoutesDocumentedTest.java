package io.stemedb.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/api.md lists exactly the routes ApiServer declares, no more and no fewer. */
class RoutesDocumentedTest {
  @Test
  void theRouteTableInDocsApiMdMatchesTheCode() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    String code = Files.readString(root.resolve("http-frontend/src/main/java/io/stemedb/http/ApiServer.java"));
    String doc = Files.readString(root.resolve("docs/api.md"));

    Set<String> declared = new TreeSet<>();
    Matcher m = Pattern.compile("app\\.(get|post|put|delete|sse)\\(\"([^\"]+)\"").matcher(code);
    while (m.find()) {
      declared.add(m.group(1).toUpperCase(java.util.Locale.ROOT) + " " + m.group(2));
    }
    Set<String> documented = new TreeSet<>();
    Matcher d = Pattern.compile("(?m)^\\| (GET|POST|PUT|DELETE|SSE) \\| (/[^ ]*) \\|").matcher(doc);
    while (d.find()) {
      documented.add(d.group(1) + " " + d.group(2));
    }
    assertThat(declared).hasSizeGreaterThan(20);
    assertThat(documented).isEqualTo(declared);
  }
}
