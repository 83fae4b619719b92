package io.stemedb.raft;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone. Every failure is an {@link
 * IllegalArgumentException} that starts with the settings key and the file, because an operator
 * facing a node that will not start needs to know which of the three files to fix, and how.
 */
final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private PemFiles() {}

  /** The certificates in {@code file}, in order (a node's own certificate first in a chain). */
  static List<X509Certificate> certificates(String key, Path file) {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this JVM has no X.509 support", e);
    }
    for (Block b : blocks(key, file)) {
      if (!b.type().equals("CERTIFICATE")) {
        continue;
      }
      X509Certificate cert;
      try {
        cert = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der(key, file)));
      } catch (CertificateException e) {
        throw fault(key, file, "certificate " + (out.size() + 1) + " is not a valid X.509 certificate: " + e.getMessage());
      }
      try {
        cert.checkValidity();
      } catch (CertificateExpiredException | CertificateNotYetValidException e) {
        // Peers would refuse it anyway; saying so here beats a handshake failure on every other node.
        throw fault(key, file, "certificate " + (out.size() + 1) + " (" + cert.getSubjectX500Principal().getName()
            + ") is valid only from " + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant());
      }
      out.add(cert);
    }
    if (out.isEmpty()) {
      throw fault(key, file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** The private key in {@code file}, of the certificate's {@code algorithm} (RSA, EC, EdDSA). */
  static PrivateKey privateKey(String key, Path file, String algorithm) {
    for (Block b : blocks(key, file)) {
      switch (b.type()) {
        case "PRIVATE KEY" -> {
          try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(b.der(key, file)));
          } catch (GeneralSecurityException e) {
            throw fault(key, file, "is not a PKCS#8 " + algorithm + " private key (the certificate's key type): "
                + e.getMessage());
          }
        }
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw fault(key, file, "holds a key in the older "
            + b.type() + " format (PKCS#1/SEC1); convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file
            + " -out " + file + ".pk8");
        case "ENCRYPTED PRIVATE KEY" -> throw fault(key, file,
            "is encrypted; the node reads unencrypted PKCS#8 keys (protect the file by its permissions instead)");
        default -> {
          // other blocks (parameters, certificates) may precede the key
        }
      }
    }
    throw fault(key, file, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /** Signs with the key and verifies with the certificate: the two must be one key pair. */
  static void checkKeyMatches(String key, Path file, PrivateKey privateKey, String certKey, Path certFile,
      X509Certificate cert) {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> privateKey.getAlgorithm();
      default -> null; // the TLS handshake will tell
    };
    if (algorithm == null) {
      return;
    }
    try {
      byte[] probe = "stemedb key check".getBytes(StandardCharsets.UTF_8);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signer.sign())) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another kind or size: not this certificate's key either
    }
    throw fault(key, file, "is not the private key of the certificate in " + certKey + " (" + certFile + ")");
  }

  /** One {@code -----BEGIN type-----} block; its body is decoded only when it is used. */
  private record Block(String type, String body) {
    byte[] der(String key, Path file) {
      try {
        return Base64.getMimeDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw fault(key, file, "its " + type + " block is not valid base64: " + e.getMessage());
      }
    }
  }

  private static List<Block> blocks(String key, Path file) {
    String text;
    try {
      // Latin-1 decodes any bytes, so a binary (DER) file is reported as "not PEM", not as a charset error.
      text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw fault(key, file, "no such file");
    } catch (AccessDeniedException e) {
      throw fault(key, file, "cannot be read by this user (permission denied)");
    } catch (IOException e) {
      throw fault(key, file, "cannot be read: " + e);
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      out.add(new Block(m.group(1), m.group(2)));
    }
    if (out.isEmpty()) {
      throw fault(key, file, "is not PEM (no -----BEGIN ...----- block; a DER file converts with openssl x509/pkcs8 -inform der)");
    }
    return out;
  }

  private static IllegalArgumentException fault(String key, Path file, String what) {
    return new IllegalArgumentException(key + " = " + file + ": " + what);
  }
}
