package org.exitfilter.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.notice.BuiltInBlockPage;
import org.exitfilter.notice.NoticeServer;
import org.exitfilter.notice.NoticeTemplateException;
import org.exitfilter.notice.PublishedBans;
import org.exitfilter.proxy.ProxyObserver;
import org.exitfilter.proxy.ProxyServer;
import org.exitfilter.reload.CurrentBlocklist;

/**
 * Starts the proxy for a test the way an operator would: it writes {@code exitfilter.yaml}, {@code
 * blocklist.yaml} and {@code blockpage.html} into a temporary folder, loads them with the real
 * loaders, compiles the blocklist for today (UTC) and starts {@link ProxyServer} on 127.0.0.1 and
 * an ephemeral port.
 *
 * <pre>{@code
 * try (HttpOrigin origin = HttpOrigin.start();
 *     ProxyFixture proxy = ProxyFixture.start("bans:\n  - host: blocked.test\n")) {
 *   proxy.dns().put("blocked.test", "127.0.0.1");
 *   URI uri = URI.create("http://blocked.test:" + origin.port() + "/");
 *   HttpResponse<String> response =
 *       proxy.httpClient().send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
 *   assertThat(response.statusCode()).isEqualTo(403);
 * }
 * }</pre>
 *
 * <p>The written config listens on 127.0.0.1:0, allows private destinations (every test origin is
 * on loopback), turns the admin listener off and points {@code resolver:} at a {@link LoopbackDns}:
 * the one given to the builder, or one the fixture starts and stops itself. So no test ever sends a
 * query to the machine's real resolver; a name the test did not {@link LoopbackDns#put} is
 * NXDOMAIN.
 *
 * <p>Not thread-safe: one test drives one fixture.
 */
public final class ProxyFixture implements AutoCloseable {
  /** The shipped block page, copied next to the test config unless the test gives its own. */
  static final Path SHIPPED_BLOCK_PAGE = Path.of("conf", "blockpage.html");

  private final Path folder;
  private final ProxyConfig config;
  private final CurrentBlocklist blocklist;
  private final LoopbackDns dns;
  private final boolean ownsDns;
  private final ProxyServer server;
  private final NoticeServer notice;
  private HttpClient httpClient;

  private ProxyFixture(Builder builder) throws IOException, ConfigException {
    boolean started = false;
    Path dir = Files.createTempDirectory("exitfilter-test-");
    LoopbackDns resolver = null;
    ProxyServer proxy = null;
    NoticeServer noticeServer = null;
    try {
      resolver = builder.dns != null ? builder.dns : LoopbackDns.start();
      Files.writeString(dir.resolve("exitfilter.yaml"), builder.configYaml(resolver), UTF_8);
      Files.writeString(dir.resolve("blocklist.yaml"), builder.blocklist, UTF_8);
      if (builder.blockPage != null) {
        Files.writeString(dir.resolve("blockpage.html"), builder.blockPage, UTF_8);
      } else if (!builder.builtInBlockPage) {
        Files.copy(shippedBlockPage(), dir.resolve("blockpage.html"));
      }
      ProxyConfig loaded = ConfigLoader.load(dir.resolve("exitfilter.yaml"));
      Blocklist list = BlocklistLoader.load(loaded.blocklist());
      CurrentBlocklist current = new CurrentBlocklist(list, today());
      if (loaded.notice() != null) {
        // As the run command does: the notice publishes the list in force, the proxy shows its
        // pages.
        PublishedBans published = PublishedBans.of(list);
        current.onReplace(published::update, published::updateShared);
        noticeServer =
            NoticeServer.start(loaded.notice(), loaded.limits(), published, Clock.systemUTC());
      }
      proxy =
          ProxyServer.start(
              loaded, current, builder.observer, BuiltInBlockPage.forProxy(noticeServer));
      this.config = loaded;
      this.blocklist = current;
      started = true;
    } catch (NoticeTemplateException e) {
      throw new IllegalStateException("the test's notice templates are broken: " + e.problems(), e);
    } finally {
      if (!started) {
        if (noticeServer != null) {
          noticeServer.close();
        }
        if (builder.dns == null && resolver != null) {
          resolver.close();
        }
        deleteRecursively(dir);
      }
    }
    this.folder = dir;
    this.dns = resolver;
    this.ownsDns = builder.dns == null;
    this.server = proxy;
    this.notice = noticeServer;
  }

  /** A fixture to configure before {@link Builder#start()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts the proxy with the given blocklist YAML and every other setting at its default. */
  public static ProxyFixture start(String blocklistYaml) throws IOException, ConfigException {
    return builder().blocklist(blocklistYaml).start();
  }

  /** What the test may change before the proxy starts. */
  public static final class Builder {
    private String blocklist = "bans: []\n";
    private LoopbackDns dns;
    private Set<Integer> connectPorts = Set.of(443);
    private boolean allowPrivateDestinations = true;
    private String extraConfig = "";
    private String blockPage;
    private boolean builtInBlockPage;
    private ProxyObserver observer = ProxyObserver.NONE;

    private Builder() {}

    /** The text of {@code blocklist.yaml} (default: no bans). */
    public Builder blocklist(String yaml) {
      this.blocklist = yaml;
      return this;
    }

    /** The DNS server the proxy resolves with; the test keeps ownership and closes it. */
    public Builder dns(LoopbackDns server) {
      this.dns = server;
      return this;
    }

    /** The ports CONNECT may reach ({@code connect-ports:}; default 443 alone). */
    public Builder connectPorts(int... ports) {
      this.connectPorts = Set.copyOf(Arrays.stream(ports).boxed().toList());
      return this;
    }

    /**
     * Whether loopback and private destinations may be reached (default true, since every test
     * origin is on loopback; set false to test the refusal).
     */
    public Builder allowPrivateDestinations(boolean allow) {
      this.allowPrivateDestinations = allow;
      return this;
    }

    /**
     * YAML appended to {@code exitfilter.yaml} for keys the builder does not set itself, e.g.
     * {@code "limits:\n header-timeout: 500ms\n"} or {@code "clients: [127.0.0.0/8]\n"}.
     */
    public Builder config(String yaml) {
      this.extraConfig = yaml.endsWith("\n") || yaml.isEmpty() ? yaml : yaml + "\n";
      return this;
    }

    /** The block page template (default: a copy of the shipped conf/blockpage.html). */
    public Builder blockPage(String html) {
      this.blockPage = html;
      return this;
    }

    /** Leaves {@code block-page:} out of the config and writes no page: the built-in one serves. */
    public Builder builtInBlockPage() {
      this.builtInBlockPage = true;
      return this;
    }

    /** Receives the proxy's aggregate events (default: none). */
    public Builder observer(ProxyObserver proxyObserver) {
      this.observer = proxyObserver;
      return this;
    }

    /**
     * Writes the files, loads them and starts the proxy.
     *
     * @throws ConfigException when the config or blocklist the test wrote is invalid
     */
    public ProxyFixture start() throws IOException, ConfigException {
      return new ProxyFixture(this);
    }

    String configYaml(LoopbackDns resolver) {
      String ports =
          new TreeSet<>(connectPorts)
              .stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
      return "listen: 127.0.0.1:0\n"
          + "allow-private-destinations: "
          + allowPrivateDestinations
          + "\n"
          + "resolver: 127.0.0.1:"
          + resolver.port()
          + "\n"
          + "connect-ports: "
          + ports
          + "\n"
          + "blocklist: blocklist.yaml\n"
          + (builtInBlockPage ? "" : "block-page: blockpage.html\n")
          + "admin: off\n"
          + extraConfig;
    }
  }

  /** The proxy's address: 127.0.0.1 and its ephemeral port. */
  public InetSocketAddress address() {
    return server.address();
  }

  public int port() {
    return address().getPort();
  }

  /** The DNS server the proxy resolves with: add the test's names here. */
  public LoopbackDns dns() {
    return dns;
  }

  /** The running proxy, e.g. for {@link ProxyServer#openChannels()}. */
  public ProxyServer server() {
    return server;
  }

  /**
   * The exit notice's listener, started when the test's config has {@code notice:} (give it {@code
   * listen: ["127.0.0.1:0"]}); {@code null} otherwise.
   */
  public NoticeServer notice() {
    return notice;
  }

  /** The configuration as loaded. */
  public ProxyConfig config() {
    return config;
  }

  /**
   * The blocklist snapshot the proxy asks once per request, e.g. to hand to a {@link
   * org.exitfilter.reload.BlocklistReloader} that watches {@link #folder()} as the running service
   * does.
   */
  public CurrentBlocklist blocklist() {
    return blocklist;
  }

  /** The temporary folder holding the config files (deleted on close). */
  public Path folder() {
    return folder;
  }

  /**
   * Replaces {@code blocklist.yaml} and swaps the new list in, as a reload does; requests already
   * under way keep the list they started with.
   *
   * @throws ConfigException when the new list is invalid; the old one then stays in force
   */
  public void rewriteBlocklist(String yaml) throws IOException, ConfigException {
    Files.writeString(config.blocklist(), yaml, UTF_8);
    blocklist.replace(BlocklistLoader.load(config.blocklist()), today());
  }

  /**
   * A JDK client that sends every request through the proxy, loopback destinations included ({@link
   * ProxySelector#of} has no exclusions, unlike the default selector's {@code http.nonProxyHosts}).
   * HTTP/1.1, no redirects followed, five-second connect timeout. The same client each call, so
   * connections to the proxy are reused.
   *
   * <p>The JDK client will not send some headers ({@code Host}, {@code Connection}, ...) and
   * normalizes what it sends; use {@link #rawClient()} to send exact bytes.
   */
  public HttpClient httpClient() {
    if (httpClient == null) {
      httpClient = httpClientBuilder().build();
    }
    return httpClient;
  }

  /** A client like {@link #httpClient()} that also trusts {@code tls} (e.g. a TlsOrigin's). */
  public HttpClient httpClient(SSLContext tls) {
    return httpClientBuilder().sslContext(tls).build();
  }

  /** The settings of {@link #httpClient()}, to adjust before building. */
  public HttpClient.Builder httpClientBuilder() {
    return HttpClient.newBuilder()
        .proxy(ProxySelector.of(address()))
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5));
  }

  /** A socket connected to the proxy, for sending exact bytes. */
  public RawClient rawClient() throws IOException {
    return RawClient.connect(address());
  }

  /** Waits until the proxy has no client or upstream connection open. */
  public void awaitNoOpenChannels() {
    Await.until(
        "the proxy has closed every connection (open: " + server.openChannels() + ")",
        () -> server.openChannels() == 0);
  }

  /** Stops the proxy (and the DNS server if the fixture started it) and deletes the folder. */
  @Override
  public void close() {
    try {
      server.close();
      if (notice != null) {
        notice.close();
      }
    } finally {
      if (ownsDns) {
        dns.close();
      }
      deleteRecursively(folder);
    }
  }

  private static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  private static Path shippedBlockPage() {
    if (!Files.isRegularFile(SHIPPED_BLOCK_PAGE)) {
      throw new IllegalStateException(
          "no "
              + SHIPPED_BLOCK_PAGE.toAbsolutePath()
              + "; run tests from the project folder or give the fixture a blockPage(...)");
    }
    return SHIPPED_BLOCK_PAGE;
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the fixture folder " + dir, e);
    }
  }
}
