package org.exitfilter.config;

import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.exitfilter.net.IpNetwork;

/**
 * Reads and validates {@code exitfilter.yaml}. Keys left out take the defaults documented on {@link
 * ProxyConfig} and {@link Limits#DEFAULTS}; relative paths are resolved against the config file's
 * folder. The blocklist file is not read here: {@link BlocklistLoader} reports its problems.
 */
public final class ConfigLoader {
  private static final List<String> KEYS =
      List.of(
          "listen",
          "clients",
          "resolver",
          "connect-ports",
          "allow-private-destinations",
          "blocklist",
          "block-page",
          "admin",
          "limits",
          "notice",
          "shared-lists",
          "state-dir",
          "abuse",
          "dnsbl");
  private static final List<String> LIMIT_KEYS =
      List.of(
          "max-connections",
          "max-request-line-length",
          "max-header-size",
          "max-header-count",
          "header-timeout",
          "idle-timeout",
          "connect-timeout",
          "response-timeout");
  private static final int DNS_PORT = 53;

  private ConfigLoader() {}

  /**
   * Loads the proxy configuration.
   *
   * @throws ConfigException listing every problem as file:line:column, all at once
   * @throws IOException when the file cannot be read
   */
  public static ProxyConfig load(Path file) throws ConfigException, IOException {
    byte[] bytes = Files.readAllBytes(file);
    Problems problems = new Problems(file);
    YamlNode root = YamlReader.read(file, bytes, problems);
    Values values = new Values(problems);

    InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3128);
    YamlNode listenNode = null;
    List<IpNetwork> clients = new ArrayList<>();
    boolean clientsRefused = false;
    InetSocketAddress resolver = null;
    Set<Integer> connectPorts = Set.of(443);
    boolean allowPrivate = false;
    Path blocklist = file.resolveSibling("blocklist.yaml");
    Path blockPage = null;
    InetSocketAddress admin = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9128);
    YamlNode adminNode = null;
    Limits limits = Limits.DEFAULTS;
    NoticeConfig notice = null;
    List<SharedListConfig> sharedLists = List.of();
    Path stateDir = file.resolveSibling("state");
    AbuseConfig abuse = null;
    DnsblConfig dnsbl = null;
    YamlNode.Field dnsblField = null;
    YamlNode.Field abuseField = null;

    for (YamlNode.Field field : topFields(root, problems)) {
      switch (field.key()) {
        case "listen" -> {
          InetSocketAddress a = socketAddress(values, field, -1);
          listen = a != null ? a : listen;
          listenNode = field.value();
        }
        case "clients" -> {
          int before = problems.size();
          clients = networks(values, field);
          clientsRefused = problems.size() > before;
        }
        case "resolver" -> resolver = socketAddress(values, field, DNS_PORT);
        case "connect-ports" -> {
          Set<Integer> ports = values.portSet(field, true);
          connectPorts = ports != null ? ports : connectPorts;
        }
        case "allow-private-destinations" -> {
          Boolean b = values.bool(field);
          allowPrivate = b != null && b;
        }
        case "blocklist" -> blocklist = path(values, field, file, blocklist);
        case "block-page" -> blockPage = existingFile(values, field, file);
        case "admin" -> {
          adminNode = field.value();
          if (field.value() instanceof YamlNode.Scalar s
              && (s.text().equals("off") || s.token() == JsonToken.VALUE_FALSE)) {
            admin = null;
          } else {
            InetSocketAddress a = socketAddress(values, field, -1);
            admin = a != null ? a : admin;
          }
        }
        case "limits" -> limits = limits(values, field);
        case "notice" -> notice = NoticeConfigReader.read(values, field, file);
        case "shared-lists" -> sharedLists = SharedListsReader.read(values, field, file);
        case "state-dir" -> stateDir = path(values, field, file, stateDir);
        case "abuse" -> abuseField = field;
        case "dnsbl" -> {
          dnsbl = AbuseSection.dnsbl(values, field);
          dnsblField = field;
        }
        default -> problems.add(field.where(), Keys.unknown(field.key(), KEYS));
      }
    }
    if (abuseField != null) {
      // After the loop: its addresses default to the notice's, wherever notice: is written.
      abuse =
          AbuseSection.abuse(values, abuseField, file, notice == null ? null : notice.addresses());
    }
    // A clients: list with mistakes is reported as such, not as a missing list as well.
    if (clients.isEmpty() && !clientsRefused) {
      refuseOpenListener(problems, "listening on", listen, listenNode);
      refuseOpenListener(problems, "admin on", admin, adminNode);
    }
    if (dnsblField != null && abuse == null && problems.isEmpty()) {
      problems.add(dnsblField.where(), "dnsbl: checks abuse: addresses:, so it needs abuse: too");
    }
    problems.throwIfAny();
    return new ProxyConfig(
        file,
        listen,
        clients,
        resolver,
        connectPorts,
        allowPrivate,
        blocklist,
        blockPage,
        admin,
        limits,
        notice,
        sharedLists,
        stateDir,
        abuse,
        dnsbl);
  }

  private static List<YamlNode.Field> topFields(YamlNode root, Problems problems) {
    if (root instanceof YamlNode.Mapping mapping) {
      return mapping.fields;
    }
    if (root != null && !(root instanceof YamlNode.Scalar s && s.isNull())) {
      problems.add(
          root.where(),
          "the configuration is a mapping of keys such as listen:, not " + root.describe());
    }
    return List.of();
  }

  /**
   * The proxy must not be an open door: a listener off loopback needs a clients: list. The defaults
   * are loopback, so an offending address was always written in the file, by {@code node}.
   */
  private static void refuseOpenListener(
      Problems problems, String what, InetSocketAddress address, YamlNode node) {
    if (address != null && !address.getAddress().isLoopbackAddress()) {
      problems.add(
          node.where(),
          what
              + " "
              + ((YamlNode.Scalar) node).text().trim()
              + " is refused without a clients: list; name the networks allowed to connect,"
              + " e.g. clients: [10.0.0.0/8]");
    }
  }

  /**
   * An IP address and port, {@code 127.0.0.1:3128} or {@code [::1]:3128}. Names are refused: what a
   * name resolves to can change under the operator's feet. With a default port, the port may be
   * left out (and an IPv6 address may go without brackets).
   */
  static InetSocketAddress socketAddress(Values values, YamlNode.Field field, int defaultPort) {
    YamlNode.Scalar scalar = values.scalar(field);
    if (scalar == null) {
      return null;
    }
    String text = scalar.text().trim();
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      String rest = close < 0 ? "" : text.substring(close + 1);
      host =
          close < 0 || !(rest.isEmpty() || rest.startsWith(":")) ? null : text.substring(1, close);
      port = rest.isEmpty() ? null : rest.substring(1);
    } else {
      int colon = text.indexOf(':');
      boolean bareV6 = colon >= 0 && text.indexOf(':', colon + 1) >= 0;
      host = colon < 0 || bareV6 ? text : text.substring(0, colon);
      port = colon < 0 || bareV6 ? null : text.substring(colon + 1);
      if (bareV6 && defaultPort < 0) {
        values.problem(
            scalar.where(),
            field.key() + ": write an IPv6 address in brackets with a port, such as [::1]:3128");
        return null;
      }
    }
    String example =
        defaultPort < 0
            ? "such as 127.0.0.1:3128 or [::1]:3128"
            : "such as 127.0.0.1:" + defaultPort + " or [::1]:" + defaultPort;
    InetAddress address = host == null ? null : ipLiteral(host);
    if (address == null) {
      values.problem(
          scalar.where(),
          field.key() + " needs an IP address and a port, " + example + ", not '" + text + "'");
      return null;
    }
    int number;
    if (port == null) {
      number = defaultPort;
    } else {
      // port 0 asks the system for a free port, which tests rely on; a resolver needs a real one
      number = Values.port(port, defaultPort < 0 ? 0 : 1);
    }
    if (number < 0) {
      values.problem(
          scalar.where(),
          field.key()
              + (port == null ? " needs a port, " : " has an invalid port '" + port + "', ")
              + example);
      return null;
    }
    return new InetSocketAddress(address, number);
  }

  static InetAddress ipLiteral(String host) {
    if (host.isEmpty() || host.indexOf('/') >= 0) {
      return null;
    }
    try {
      return IpNetwork.parse(host).address();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static List<IpNetwork> networks(Values values, YamlNode.Field field) {
    List<YamlNode> items =
        field.value() instanceof YamlNode.Scalar s && !s.isNull()
            ? List.of(s)
            : values.list(field, "a list of networks such as [10.0.0.0/8, 2001:db8::/32]");
    List<IpNetwork> networks = new ArrayList<>();
    for (YamlNode item : items) {
      if (item instanceof YamlNode.Scalar scalar && !scalar.isNull()) {
        try {
          networks.add(RuleValues.network(scalar.text()));
        } catch (InvalidValueException e) {
          values.problem(scalar.where(), e.getMessage());
        }
      } else {
        values.problem(
            item.where(), "a network must be written as CIDR text, not " + item.describe());
      }
    }
    return networks;
  }

  private static Path path(Values values, YamlNode.Field field, Path file, Path fallback) {
    YamlNode.Scalar scalar = values.scalar(field);
    return scalar == null ? fallback : file.resolveSibling(scalar.text());
  }

  /**
   * A path that must name a readable file now, so that a typo is reported where it was written
   * rather than as a failure to start.
   */
  private static Path existingFile(Values values, YamlNode.Field field, Path file) {
    YamlNode.Scalar scalar = values.scalar(field);
    if (scalar == null) {
      return null;
    }
    Path path = file.resolveSibling(scalar.text());
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      values.problem(
          scalar.where(),
          field.key()
              + ": "
              + path
              + (Files.exists(path) ? " is not a readable file" : " not found")
              + " (a relative path is relative to the configuration's folder;"
              + " leave the key out for the built-in page)");
      return null;
    }
    return path;
  }

  private static Limits limits(Values values, YamlNode.Field section) {
    Limits d = Limits.DEFAULTS;
    int maxConnections = d.maxConnections();
    int maxRequestLineLength = d.maxRequestLineLength();
    int maxHeaderSize = d.maxHeaderSize();
    int maxHeaderCount = d.maxHeaderCount();
    Duration headerTimeout = d.headerTimeout();
    Duration idleTimeout = d.idleTimeout();
    Duration connectTimeout = d.connectTimeout();
    Duration responseTimeout = d.responseTimeout();
    for (YamlNode.Field field : values.mapping(section)) {
      switch (field.key()) {
        case "max-connections" -> maxConnections = or(values.positiveInt(field), maxConnections);
        case "max-request-line-length" ->
            maxRequestLineLength = or(values.positiveInt(field), maxRequestLineLength);
        case "max-header-size" -> maxHeaderSize = or(values.positiveInt(field), maxHeaderSize);
        case "max-header-count" -> maxHeaderCount = or(values.positiveInt(field), maxHeaderCount);
        case "header-timeout" -> headerTimeout = or(values.duration(field), headerTimeout);
        case "idle-timeout" -> idleTimeout = or(values.duration(field), idleTimeout);
        case "connect-timeout" -> connectTimeout = or(values.duration(field), connectTimeout);
        case "response-timeout" -> responseTimeout = or(values.duration(field), responseTimeout);
        default -> values.problem(field.where(), Keys.unknown(field.key(), LIMIT_KEYS));
      }
    }
    return new Limits(
        maxConnections,
        maxRequestLineLength,
        maxHeaderSize,
        maxHeaderCount,
        headerTimeout,
        idleTimeout,
        connectTimeout,
        responseTimeout);
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
