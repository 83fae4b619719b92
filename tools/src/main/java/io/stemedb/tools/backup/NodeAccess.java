package io.stemedb.tools.backup;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How the operations commands reach a node's admin endpoints: the admin token and, over HTTPS, the CA. */
public final class NodeAccess {
  @Option(names = "--token", description = "the admin token (default: $STEMEDB_ADMIN_TOKEN)")
  String token;

  @Option(names = "--cacert", description = "the cluster CA's certificate (PEM) for https:// nodes "
      + "(default: $STEMEDB_CACERT, else the JVM's trusted CAs)")
  Path caCert;

  AdminClient client(String url) {
    String ca = caCert != null ? caCert.toString() : System.getenv("STEMEDB_CACERT");
    return new AdminClient(url, token, ca == null || ca.isEmpty() ? null : Path.of(ca));
  }
}
