package io.stemedb.http;

import io.stemedb.raft.TlsMaterial;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS connector that replaces Javalin's plain one when the node has TLS settings: the API is
 * then served over HTTPS only (a plaintext request on the port is dropped during the handshake).
 * Clients authenticate with bearer tokens, not certificates, so none is asked of them.
 */
final class HttpsConnector {
  private HttpsConnector() {}

  static Connector create(Server server, HttpConfiguration http, TlsMaterial tls, String host, int port) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(tls.identityStore());
    ssl.setKeyStorePassword(tls.identityPassword());
    ssl.setKeyManagerPassword(tls.identityPassword());
    // Javalin's configuration (with ApiServer's changes) serves only this connector: extend it in place.
    http.addCustomizer(new SecureRequestCustomizer());
    ServerConnector connector = new ServerConnector(server,
        new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }
}
