package io.stemedb.tests;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests, made at run time: EC P-256 keys from the JDK,
 * certificates built with Bouncy Castle and signed through the JDK's own provider, written as the PEM
 * files a node's {@code [tls]} settings name. Node certificates carry the loopback names (IP
 * 127.0.0.1, DNS localhost) that clients check, and may serve as server and as client (mutual TLS).
 */
final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Path certFile;

  private TestCa(String name, KeyPair keys, X509Certificate certificate, Path certFile) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
    this.certFile = certFile;
  }

  /** A new self-signed CA; its certificate goes to {@code dir/<name>.crt}. */
  static TestCa create(String name, Path dir) throws Exception {
    KeyPair keys = newKeys();
    X500Name subject = new X500Name("CN=" + name);
    var ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b = builder(subject, subject, keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    X509Certificate cert = sign(b, keys);
    Path file = dir.resolve(name + ".crt");
    Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()));
    return new TestCa(name, keys, cert, file);
  }

  /** The PEM files of one node: certificate, PKCS#8 key. */
  record NodeFiles(Path cert, Path key) {}

  /** Issues a certificate for {@code node}; writes {@code dir/<node>.crt} and {@code dir/<node>.key}. */
  NodeFiles issue(String node, Path dir) throws Exception {
    KeyPair nodeKeys = newKeys();
    var ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b = builder(new X500Name("CN=" + name), new X500Name("CN=" + node), nodeKeys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
        .addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}))
        .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
    X509Certificate cert = sign(b, keys);
    NodeFiles files = new NodeFiles(dir.resolve(node + ".crt"), dir.resolve(node + ".key"));
    Files.writeString(files.cert(), pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(files.key(), pem("PRIVATE KEY", nodeKeys.getPrivate().getEncoded())); // JDK keys encode as PKCS#8
    return files;
  }

  Path certFile() {
    return certFile;
  }

  X509Certificate certificate() {
    return certificate;
  }

  /** A client context that trusts exactly these CAs (and nothing from the JDK's default list). */
  static SSLContext trusting(List<TestCa> cas) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (TestCa ca : cas) {
      store.setCertificateEntry(ca.name, ca.certificate);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
        subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuerKeys)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
