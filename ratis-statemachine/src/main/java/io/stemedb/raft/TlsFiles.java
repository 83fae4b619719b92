package io.stemedb.raft;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The PEM files of a node's {@code [tls]} settings (etc/stemedb.toml): its certificate, its private
 * key, and the CA certificates it trusts. One identity serves both the HTTP API (HTTPS) and Raft
 * (mutual TLS: every node presents its certificate and accepts only peers signed by {@code caFile}).
 *
 * @param certFile the node's certificate, then any intermediates (PEM)
 * @param keyFile the certificate's private key, unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY})
 * @param caFile the CA certificates that sign the cluster's nodes (PEM, one or more)
 */
public record TlsFiles(Path certFile, Path keyFile, Path caFile) {
  /** The settings' key names, so that every error names the key an operator has to fix. */
  public static final String CERT_KEY = "tls.cert_file";
  public static final String KEY_KEY = "tls.key_file";
  public static final String CA_KEY = "tls.ca_file";

  public TlsFiles {
    Objects.requireNonNull(certFile, CERT_KEY);
    Objects.requireNonNull(keyFile, KEY_KEY);
    Objects.requireNonNull(caFile, CA_KEY);
  }

  /**
   * Reads and checks the files: each must be readable PEM of the right kind, and the key must belong
   * to the certificate.
   *
   * @throws IllegalArgumentException naming the key and the file at fault
   */
  public TlsMaterial load() {
    var chain = PemFiles.certificates(CERT_KEY, certFile);
    var key = PemFiles.privateKey(KEY_KEY, keyFile, chain.get(0).getPublicKey().getAlgorithm());
    PemFiles.checkKeyMatches(KEY_KEY, keyFile, key, CERT_KEY, certFile, chain.get(0));
    return new TlsMaterial(key, chain, List.copyOf(PemFiles.certificates(CA_KEY, caFile)));
  }
}
