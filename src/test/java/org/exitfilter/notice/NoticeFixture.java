package org.exitfilter.notice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.Limits;
import org.exitfilter.config.NoticeConfig;

/** A notice server on 127.0.0.1 port 0 with a blocklist written to a folder, and a client. */
final class NoticeFixture implements AutoCloseable {
  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  final Path dir;
  final PublishedBans bans;
  final NoticeServer server;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private NoticeFixture(Path dir, PublishedBans bans, NoticeServer server) {
    this.dir = dir;
    this.bans = bans;
    this.server = server;
  }

  static NoticeConfig config(Path dir, boolean publishRequesters, Path templates, Path pgpKey)
      throws IOException {
    return new NoticeConfig(
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
        "Example Exit e.V.",
        "abuse@exit.example",
        pgpKey,
        List.of(InetAddress.getByName("203.0.113.10"), InetAddress.getByName("2001:db8::10")),
        List.of("en", "de"),
        publishRequesters,
        templates);
  }

  static NoticeFixture start(Path dir, Path blocklist, NoticeConfig config) throws Exception {
    PublishedBans bans = PublishedBans.of(BlocklistLoader.load(blocklist));
    NoticeServer server =
        NoticeServer.start(config, Limits.DEFAULTS, bans, Clock.fixed(NOW, ZoneOffset.UTC));
    return new NoticeFixture(dir, bans, server);
  }

  static Path write(Path dir, String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  /** The notice's first listener, on 127.0.0.1. */
  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.addresses().get(0).getPort());
  }

  URI uri(String pathAndQuery) {
    InetSocketAddress address = server.addresses().get(0);
    return URI.create("http://127.0.0.1:" + address.getPort() + pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    return send("GET", pathAndQuery, headers);
  }

  HttpResponse<String> send(String method, String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
  }
}
