package org.exitfilter.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real git server over smart HTTP on 127.0.0.1 and an ephemeral port: the JDK's HTTP server in
 * front of JGit's own {@link UploadPack}, serving one repository at {@code /cascade.git} for fetch
 * (protocol v0, which every client falls back to), over plain HTTP or over TLS with a {@link
 * TestCertificate} for the names a test gives. Counts every request that reaches it.
 */
public final class SmartHttpGit implements AutoCloseable {
  private static final String SERVICE = "git-upload-pack";

  private final Repository repository;
  private final HttpServer server;
  private final TestCertificate certificate;
  private final AtomicInteger requests = new AtomicInteger();

  private SmartHttpGit(Repository repository, HttpServer server, TestCertificate certificate) {
    this.repository = repository;
    this.server = server;
    this.certificate = certificate;
    server.createContext("/cascade.git/", this::serve);
    server.start();
  }

  /** Serves {@code repository} over plain HTTP until closed. */
  public static SmartHttpGit serve(Repository repository) throws IOException {
    return new SmartHttpGit(
        repository, HttpServer.create(new InetSocketAddress(Loopback.ADDRESS, 0), 0), null);
  }

  /**
   * Serves {@code repository} over TLS until closed, with a certificate for {@code names}; a client
   * trusts it through {@link #clientContext()}.
   */
  public static SmartHttpGit serveTls(Repository repository, String... names)
      throws IOException, GeneralSecurityException {
    TestCertificate certificate = TestCertificate.forNames(Set.of(names));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] password = "test".toCharArray();
    keys.setKeyEntry(
        "server", certificate.key(), password, new Certificate[] {certificate.certificate()});
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(managers.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(Loopback.ADDRESS, 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new SmartHttpGit(repository, server, certificate);
  }

  /** A client context trusting this server's certificate alone (TLS only). */
  public SSLContext clientContext() {
    return certificate.clientContext();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The URL of the repository under {@code host}, e.g. a name the test's DNS server knows. */
  public String url(String host) {
    return (certificate == null ? "http://" : "https://") + host + ":" + port() + "/cascade.git";
  }

  /** Requests that reached the server, whatever their answer. */
  public int requests() {
    return requests.get();
  }

  private void serve(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    String path = exchange.getRequestURI().getPath();
    String query = String.valueOf(exchange.getRequestURI().getQuery());
    try (exchange) {
      if (exchange.getRequestMethod().equals("GET")
          && path.endsWith("/info/refs")
          && query.equals("service=" + SERVICE)) {
        exchange
            .getResponseHeaders()
            .set("Content-Type", "application/x-" + SERVICE + "-advertisement");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          PacketLineOut packets = new PacketLineOut(out);
          packets.writeString("# service=" + SERVICE + "\n");
          packets.end();
          uploadPack().sendAdvertisedRefs(new PacketLineOutRefAdvertiser(packets));
        }
      } else if (exchange.getRequestMethod().equals("POST") && path.endsWith("/" + SERVICE)) {
        exchange.getResponseHeaders().set("Content-Type", "application/x-" + SERVICE + "-result");
        exchange.sendResponseHeaders(200, 0);
        InputStream body = exchange.getRequestBody();
        if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          body = new GZIPInputStream(body);
        }
        try (InputStream in = body;
            OutputStream out = exchange.getResponseBody()) {
          uploadPack().upload(in, out, null);
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  private UploadPack uploadPack() {
    UploadPack pack = new UploadPack(repository);
    // Smart HTTP: one request, one answer; no conversation on one stream.
    pack.setBiDirectionalPipe(false);
    return pack;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
