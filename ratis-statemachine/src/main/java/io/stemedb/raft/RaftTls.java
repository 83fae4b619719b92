package io.stemedb.raft;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Ratis's gRPC transport settings for a node: mutual TLS when the node has {@link TlsFiles}, else
 * plaintext. The same parameters go to the node's Raft server and to its Raft client, because a node
 * is a client of its peers too (log replication, votes, forwarded writes, reads, snapshot pulls,
 * admin calls) and every peer requires a client certificate.
 */
final class RaftTls {
  private RaftTls() {}

  /**
   * @throws IllegalArgumentException when a file is missing or bad (naming the setting and the file),
   *     before anything has started
   */
  static Parameters parameters(TlsFiles files) {
    Parameters parameters = new Parameters();
    if (files != null) {
      TlsMaterial tls = files.load();
      // Ratis serves its server, client and admin services on the one Raft port unless told otherwise,
      // so the default configuration (TLS.setConf) covers all three, as a server and as a client.
      // gRPC's client checks that the peer's certificate names the host of its raft_address.
      GrpcConfigKeys.TLS.setConf(parameters, new GrpcTlsConfig(tls.keyManager(), tls.trustManager(), true));
    }
    return parameters;
  }
}
