package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.RelayTestSupport.get;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.exitfilter.Main;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.LoopbackDns;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code exitfilter check} and the running proxy decide every target of a table the same way: both
 * ask the one destination policy and resolve through the same configured resolver (a {@link
 * LoopbackDns}), so they cannot drift apart again as they once did on private addresses and DNS.
 *
 * <p>Two proxies share the blocklist and the DNS server: one with {@code
 * allow-private-destinations: true}, where every answer that may be dialled is a loopback address
 * (the origin on 127.0.0.1, nothing on 127.0.0.9), and one with {@code false}, whose rows are all
 * refusals, so that no test ever dials beyond loopback. A mixed answer whose public address is
 * dialled is covered by CheckCommandTest and DestinationPolicyTest instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckProxyParityTest {
  /** What a caller can see of the decision. */
  enum Seen {
    /** Dialled: the origin answered, or the dial was refused at a port with nothing listening. */
    ALLOWED,
    /** Refused by a blocklist entry. */
    BLOCKED,
    /** Refused because every address is non-public. */
    NON_PUBLIC,
    /** CONNECT to a port outside connect-ports. */
    PORT,
    /** The name does not resolve. */
    UNRESOLVED
  }

  private LoopbackDns dns;
  private HttpOrigin origin;
  private int closedPort;
  private ProxyFixture privateToo;
  private ProxyFixture publicOnly;

  @BeforeAll
  void start() throws Exception {
    dns = LoopbackDns.start();
    origin = HttpOrigin.start();
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    String blocklist =
        String.join(
            "\n",
            "bans:",
            "  - domain: banned.test",
            "  - domain: ports.test",
            "    ports: [" + origin.port() + "]",
            "  - network: 127.0.0.9/32",
            "  - network: 203.0.113.0/24",
            "exceptions:",
            "  - host: open.banned.test",
            "");
    privateToo =
        ProxyFixture.builder()
            .dns(dns)
            .blocklist(blocklist)
            .connectPorts(443, origin.port())
            .start();
    publicOnly =
        ProxyFixture.builder()
            .dns(dns)
            .blocklist(blocklist)
            .connectPorts(443, origin.port())
            .allowPrivateDestinations(false)
            .start();
    dns.put("site.test", "127.0.0.1");
    dns.put("ports.test", "127.0.0.1");
    dns.put("open.banned.test", "127.0.0.9", "127.0.0.1");
    dns.put("mixed-banned.test", "127.0.0.1", "127.0.0.9");
    dns.put("lan.test", "10.1.2.3", "192.168.0.1", "fd00::1");
    dns.put("mixed.test", "10.1.2.3", "203.0.113.5");
    dns.put("dual.test", "::1", "127.0.0.1");
    // Only the long name exists: "intranet" must not be completed with a search domain.
    dns.put("intranet.corp.test", "127.0.0.1");
  }

  @AfterAll
  void stop() {
    privateToo.close();
    publicOnly.close();
    origin.close();
    dns.close();
  }

  /** Rows: private destinations allowed?, target as check takes it, what both must see. */
  Stream<Arguments> table() {
    int p = origin.port();
    List<Arguments> rows = new ArrayList<>();
    // names and exceptions
    rows.add(row(true, "http://site.test:" + p + "/", Seen.ALLOWED));
    rows.add(row(true, "http://WWW.Banned.TEST.:" + p + "/", Seen.BLOCKED));
    rows.add(row(true, "http://user@www.banned.test:" + p + "/x?y#z", Seen.BLOCKED));
    rows.add(row(true, "http://open.banned.test:" + p + "/", Seen.ALLOWED));
    rows.add(row(false, "http://open.banned.test:" + p + "/", Seen.NON_PUBLIC));
    // private and mixed answers
    rows.add(row(true, "http://mixed-banned.test:" + p + "/", Seen.BLOCKED));
    rows.add(row(false, "http://site.test:" + p + "/", Seen.NON_PUBLIC));
    rows.add(row(false, "http://lan.test:" + p + "/", Seen.NON_PUBLIC));
    rows.add(row(false, "http://mixed.test:" + p + "/", Seen.BLOCKED));
    rows.add(row(true, "http://dual.test:" + p + "/", Seen.ALLOWED));
    // search domains and names that do not resolve
    rows.add(row(true, "http://intranet:" + p + "/", Seen.UNRESOLVED));
    rows.add(row(true, "http://intranet.corp.test:" + p + "/", Seen.ALLOWED));
    rows.add(row(true, "http://nowhere.test:" + p + "/", Seen.UNRESOLVED));
    // ports: entries limited to ports, and connect-ports for tunnels
    rows.add(row(true, "http://ports.test:" + p + "/", Seen.BLOCKED));
    rows.add(row(true, "http://ports.test:" + closedPort + "/", Seen.ALLOWED));
    rows.add(row(true, "site.test:" + p, Seen.ALLOWED));
    rows.add(row(true, "site.test:" + closedPort, Seen.PORT));
    rows.add(row(true, "www.banned.test:" + closedPort, Seen.PORT));
    rows.add(row(true, "www.banned.test:" + p, Seen.BLOCKED));
    rows.add(row(false, "site.test:" + p, Seen.NON_PUBLIC));
    // IP spellings
    rows.add(row(true, "http://0x7f.0.0.1:" + p + "/", Seen.ALLOWED));
    rows.add(row(true, "http://2130706433:" + p + "/", Seen.ALLOWED));
    rows.add(row(true, "http://127.0.0.9:" + p + "/", Seen.BLOCKED));
    rows.add(row(true, "http://[::ffff:127.0.0.9]:" + p + "/", Seen.BLOCKED));
    rows.add(row(true, "[::ffff:7f00:9]:" + p, Seen.BLOCKED));
    rows.add(row(false, "http://0177.0.0.1:" + p + "/", Seen.NON_PUBLIC));
    rows.add(row(false, "http://3405803781:" + p + "/", Seen.BLOCKED));
    rows.add(row(false, "http://[::1]:" + p + "/", Seen.NON_PUBLIC));
    return rows.stream();
  }

  private static Arguments row(boolean allowPrivate, String target, Seen expected) {
    return Arguments.of(allowPrivate, target, expected);
  }

  @ParameterizedTest(name = "private allowed {0}: {1} is {2} for both")
  @MethodSource("table")
  void checkAndTheProxyDecideTheSame(boolean allowPrivate, String target, Seen expected)
      throws Exception {
    ProxyFixture proxy = allowPrivate ? privateToo : publicOnly;

    Seen byCheck = check(proxy, target);
    Seen byProxy = throughProxy(proxy, target);

    assertThat(byProxy).as("the proxy on %s", target).isEqualTo(expected);
    assertThat(byCheck).as("check on %s, as the proxy", target).isEqualTo(byProxy);
  }

  /** Runs {@code exitfilter check} in-process with the proxy's own configuration file. */
  private static Seen check(ProxyFixture proxy, String target) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(new StringWriter(), true));
    int exit =
        commandLine.execute(
            "check", "--config", proxy.folder().resolve("exitfilter.yaml").toString(), target);
    String text = out.toString();
    if (text.contains("but the proxy refuses CONNECT to this port")) {
      return Seen.PORT; // the proxy refuses the port before it looks at the name
    }
    if (exit == 1) {
      assertThat(text).contains(": BLOCKED by ");
      return Seen.BLOCKED;
    }
    assertThat(exit).as("check output: %s", text).isZero();
    if (text.contains("does not resolve here")) {
      return Seen.UNRESOLVED;
    }
    if (text.contains("but the proxy refuses non-public addresses")) {
      return Seen.NON_PUBLIC;
    }
    return Seen.ALLOWED;
  }

  /** Sends the target through the proxy: a GET for an http:// URL, a CONNECT for anything else. */
  private static Seen throughProxy(ProxyFixture proxy, String target) throws IOException {
    boolean http = target.toLowerCase(Locale.ROOT).startsWith("http://");
    RawResponse response;
    try (RawClient client = proxy.rawClient()) {
      client.send(
          http ? get(target) : "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
      // A 200 to a CONNECT opens a tunnel: its head is all there is to read.
      response = http ? client.readResponse() : client.readResponseHead();
    }
    String proxyStatus = String.valueOf(response.header("Proxy-Status"));
    return switch (response.status()) {
      case 200 -> Seen.ALLOWED;
      case 403 -> {
        if (proxyStatus.contains("destination_ip_prohibited")) {
          yield Seen.NON_PUBLIC;
        }
        yield String.valueOf(response.header("Content-Type")).startsWith("text/html")
            ? Seen.BLOCKED
            : Seen.PORT;
      }
      case 502 -> {
        if (proxyStatus.contains("dns_error")) {
          yield Seen.UNRESOLVED;
        }
        assertThat(proxyStatus).as("dialled, and refused").contains("connection_refused");
        yield Seen.ALLOWED;
      }
      default -> throw new AssertionError("unexpected answer " + response);
    };
  }
}
