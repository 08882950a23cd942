package org.exitfilter.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exitfilter.net.IpNetwork;

/** Reads the {@code abuse:} and {@code dnsbl:} sections, each problem at its line and column. */
final class AbuseSection {
  static final List<String> ABUSE_KEYS =
      List.of("addresses", "mailbox", "smtp", "imap", "rdap", "deadline");
  static final List<String> SMTP_KEYS =
      List.of("host", "port", "starttls", "username", "password-file");
  static final List<String> IMAP_KEYS =
      List.of("host", "port", "tls", "username", "password-file", "folder");
  static final List<String> DNSBL_KEYS = List.of("zones", "interval");

  private AbuseSection() {}

  /**
   * The {@code abuse:} section; {@code noticeAddresses} (the notice's outgoing addresses, or {@code
   * null} without a notice) stand in for a missing {@code addresses:}.
   */
  static AbuseConfig abuse(
      Values values, YamlNode.Field section, Path file, List<InetAddress> noticeAddresses) {
    List<InetAddress> addresses = null;
    String mailbox = null;
    AbuseConfig.Smtp smtp = null;
    AbuseConfig.Imap imap = null;
    List<URI> rdap = List.of();
    Duration deadline = AbuseConfig.DEFAULT_DEADLINE;
    boolean addressesSeen = false;
    boolean mailboxSeen = false;
    for (YamlNode.Field field : values.mapping(section)) {
      switch (field.key()) {
        case "addresses" -> {
          addressesSeen = true;
          addresses = addresses(values, field);
        }
        case "mailbox" -> {
          mailboxSeen = true;
          mailbox = mailbox(values, field);
        }
        case "smtp" -> smtp = smtp(values, field, file);
        case "imap" -> imap = imap(values, field, file);
        case "rdap" -> rdap = rdap(values, field);
        case "deadline" -> {
          Duration d = values.duration(field);
          deadline = d != null ? d : deadline;
        }
        default -> values.problem(field.where(), Keys.unknown(field.key(), ABUSE_KEYS));
      }
    }
    // A value written but refused is reported where it was written, not also as missing.
    if (!addressesSeen && noticeAddresses != null) {
      addresses = noticeAddresses;
    } else if (!addressesSeen) {
      values.problem(
          section.where(),
          "abuse: needs addresses:, the exit's outgoing addresses, e.g. [203.0.113.10]"
              + " (or notice: addresses:, which it then uses)");
    }
    if (!mailboxSeen) {
      values.problem(
          section.where(), "abuse: needs mailbox:, the operator's From address for replies");
    }
    return addresses == null || mailbox == null
        ? null
        : new AbuseConfig(addresses, mailbox, smtp, imap, rdap, deadline);
  }

  static DnsblConfig dnsbl(Values values, YamlNode.Field section) {
    List<String> zones = List.of();
    Duration interval = DnsblConfig.DEFAULT_INTERVAL;
    for (YamlNode.Field field : values.mapping(section)) {
      switch (field.key()) {
        case "zones" -> zones = zones(values, field);
        case "interval" -> {
          Duration d = values.duration(field);
          interval = d != null ? d : interval;
        }
        default -> values.problem(field.where(), Keys.unknown(field.key(), DNSBL_KEYS));
      }
    }
    return new DnsblConfig(zones, interval);
  }

  private static List<InetAddress> addresses(Values values, YamlNode.Field field) {
    List<InetAddress> out = new ArrayList<>();
    for (YamlNode item : values.list(field, "a list of IP addresses such as [203.0.113.10]")) {
      InetAddress address = null;
      if (item instanceof YamlNode.Scalar s && !s.isNull() && s.text().indexOf('/') < 0) {
        try {
          address = IpNetwork.parse(s.text().trim()).address();
        } catch (IllegalArgumentException e) {
          address = null;
        }
      }
      if (address == null) {
        values.problem(
            item.where(),
            "addresses: each item must be an IP address such as 203.0.113.10 or 2001:db8::10, not "
                + describe(item));
      } else if (!out.contains(address)) {
        out.add(address);
      }
    }
    if (out.isEmpty()) {
      values.problem(field.where(), "addresses: name at least one of the exit's addresses");
      return null;
    }
    return out;
  }

  private static String mailbox(Values values, YamlNode.Field field) {
    YamlNode.Scalar scalar = values.scalar(field);
    if (scalar == null) {
      return null;
    }
    String text = scalar.text().trim();
    int at = text.indexOf('@');
    if (at <= 0 || at != text.lastIndexOf('@') || at == text.length() - 1 || text.contains(" ")) {
      values.problem(
          scalar.where(),
          "mailbox: must be a mail address such as abuse@example.net, not '" + text + "'");
      return null;
    }
    return text;
  }

  private static AbuseConfig.Smtp smtp(Values values, YamlNode.Field section, Path file) {
    String host = null;
    int port = 587;
    boolean starttls = true;
    String username = null;
    Path passwordFile = null;
    for (YamlNode.Field field : values.mapping(section)) {
      switch (field.key()) {
        case "host" -> host = host(values, field);
        case "port" -> port = port(values, field, port);
        case "starttls" -> {
          Boolean b = values.bool(field);
          starttls = b != null ? b : starttls;
        }
        case "username" -> username = values.optionalText(field);
        case "password-file" -> passwordFile = path(values, field, file);
        default -> values.problem(field.where(), Keys.unknown(field.key(), SMTP_KEYS));
      }
    }
    if (host == null) {
      values.problem(section.where(), "smtp: needs host:, the submission server");
      return null;
    }
    return new AbuseConfig.Smtp(host, port, starttls, username, passwordFile);
  }

  private static AbuseConfig.Imap imap(Values values, YamlNode.Field section, Path file) {
    String host = null;
    int port = 993;
    boolean tls = true;
    String username = null;
    Path passwordFile = null;
    String folder = "INBOX";
    for (YamlNode.Field field : values.mapping(section)) {
      switch (field.key()) {
        case "host" -> host = host(values, field);
        case "port" -> port = port(values, field, port);
        case "tls" -> {
          Boolean b = values.bool(field);
          tls = b != null ? b : tls;
        }
        case "username" -> username = values.optionalText(field);
        case "password-file" -> passwordFile = path(values, field, file);
        case "folder" -> {
          String f = values.optionalText(field);
          folder = f != null ? f : folder;
        }
        default -> values.problem(field.where(), Keys.unknown(field.key(), IMAP_KEYS));
      }
    }
    if (host == null) {
      values.problem(section.where(), "imap: needs host:, the IMAP server");
      return null;
    }
    return new AbuseConfig.Imap(host, port, tls, username, passwordFile, folder);
  }

  private static List<URI> rdap(Values values, YamlNode.Field field) {
    List<URI> out = new ArrayList<>();
    for (YamlNode item :
        values.list(field, "a list of RDAP base URLs such as [https://rdap.example.net/]")) {
      URI uri = null;
      if (item instanceof YamlNode.Scalar s && !s.isNull()) {
        try {
          uri = new URI(s.text().trim());
        } catch (URISyntaxException e) {
          uri = null;
        }
      }
      String scheme =
          uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri == null
          || uri.getHost() == null
          || !(scheme.equals("https") || scheme.equals("http"))) {
        values.problem(
            item.where(),
            "rdap: each item must be an http(s) URL such as https://rdap.example.net/, not "
                + describe(item));
      } else {
        String text = uri.toString();
        out.add(URI.create(text.endsWith("/") ? text : text + "/"));
      }
    }
    return out;
  }

  private static List<String> zones(Values values, YamlNode.Field field) {
    List<String> out = new ArrayList<>();
    for (YamlNode item : values.list(field, "a list of DNS zones such as [zen.spamhaus.org]")) {
      String zone =
          item instanceof YamlNode.Scalar s && !s.isNull()
              ? s.text().trim().toLowerCase(Locale.ROOT)
              : "";
      if (zone.endsWith(".")) {
        zone = zone.substring(0, zone.length() - 1);
      }
      if (!isDnsName(zone)) {
        values.problem(
            item.where(),
            "zones: each item must be a DNS zone such as zen.spamhaus.org, not " + describe(item));
      } else if (!out.contains(zone)) {
        out.add(zone);
      }
    }
    return out;
  }

  private static String host(Values values, YamlNode.Field field) {
    YamlNode.Scalar scalar = values.scalar(field);
    if (scalar == null) {
      return null;
    }
    String text = scalar.text().trim();
    boolean ip;
    try {
      IpNetwork.parse(text);
      ip = text.indexOf('/') < 0;
    } catch (IllegalArgumentException e) {
      ip = false;
    }
    if (!ip && !isDnsName(text.toLowerCase(Locale.ROOT))) {
      values.problem(
          scalar.where(), field.key() + ": must be a host name or IP address, not '" + text + "'");
      return null;
    }
    return text;
  }

  private static int port(Values values, YamlNode.Field field, int fallback) {
    YamlNode.Scalar scalar = values.scalar(field);
    if (scalar == null) {
      return fallback;
    }
    int port = Values.port(scalar.text().trim(), 1);
    if (port < 0) {
      values.problem(
          scalar.where(), "port must be a number from 1 to 65535, not '" + scalar.text() + "'");
      return fallback;
    }
    return port;
  }

  private static Path path(Values values, YamlNode.Field field, Path file) {
    YamlNode.Scalar scalar = values.scalar(field);
    return scalar == null ? null : file.resolveSibling(scalar.text().trim());
  }

  private static boolean isDnsName(String name) {
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty()
          || label.length() > 63
          || label.startsWith("-")
          || label.endsWith("-")
          || !label
              .chars()
              .allMatch(c -> (c >= 'a' && c <= 'z') || Values.isDigit(c) || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static String describe(YamlNode item) {
    return item instanceof YamlNode.Scalar s && !s.isNull()
        ? "'" + s.text() + "'"
        : item.describe();
  }
}
