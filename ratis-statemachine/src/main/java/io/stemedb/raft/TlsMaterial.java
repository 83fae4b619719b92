package io.stemedb.raft;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * A node's TLS identity (key and certificate chain) and the CAs it trusts, checked and in memory
 * ({@link TlsFiles#load}). Not a record: its {@code toString} must never print the key.
 */
public final class TlsMaterial {
  /** Guards only the in-memory key store below, which never leaves this process. */
  private static final char[] IN_MEMORY_PASSWORD = "stemedb-in-memory".toCharArray();

  private final KeyStore identity;
  private final KeyStore trusted;
  private final X509Certificate certificate;

  TlsMaterial(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> cas) {
    this.certificate = chain.get(0);
    try {
      identity = emptyStore();
      identity.setKeyEntry("node", key, IN_MEMORY_PASSWORD, chain.toArray(new X509Certificate[0]));
      trusted = emptyStore();
      for (int i = 0; i < cas.size(); i++) {
        trusted.setCertificateEntry("ca-" + i, cas.get(i));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hold the TLS key in memory", e);
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return store;
  }

  /** The key store holding the node's key and chain (for servers that take a key store: Jetty). */
  public KeyStore identityStore() {
    return identity;
  }

  /** The password of {@link #identityStore()} and of its key entry. */
  public String identityPassword() {
    return new String(IN_MEMORY_PASSWORD);
  }

  /** The key store of the trusted CA certificates. */
  public KeyStore trustStore() {
    return trusted;
  }

  /** Presents the node's certificate (as a server, and as a client to its peers). */
  public X509KeyManager keyManager() {
    try {
      KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(identity, IN_MEMORY_PASSWORD);
      return (X509KeyManager) f.getKeyManagers()[0];
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the TLS key", e);
    }
  }

  /** Accepts peers whose certificate chains to one of the trusted CAs. */
  public X509TrustManager trustManager() {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(trusted);
      return (X509TrustManager) f.getTrustManagers()[0];
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the trusted CA certificates", e);
    }
  }

  /** The node's own certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  @Override
  public String toString() {
    return "TLS identity " + certificate.getSubjectX500Principal().getName() + " (valid until "
        + certificate.getNotAfter().toInstant() + ")";
  }
}
