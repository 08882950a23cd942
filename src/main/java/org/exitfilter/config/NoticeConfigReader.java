package org.exitfilter.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code notice:} section of {@code exitfilter.yaml}; see {@link NoticeConfig}. */
final class NoticeConfigReader {
  private static final List<String> KEYS =
      List.of(
          "listen",
          "operator",
          "contact",
          "pgp-key",
          "addresses",
          "languages",
          "publish-requesters",
          "templates");

  /** An email address plain enough for a mailto: link and security.txt. */
  private static final Pattern EMAIL = Pattern.compile("[^\\s@<>\"]+@[^\\s@<>\"]+\\.[^\\s@<>\"]+");

  /** A two- or three-letter language code (ISO 639), lower case. */
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

  private NoticeConfigReader() {}

  /** The notice, or {@code null} after reporting its problems. */
  static NoticeConfig read(Values values, YamlNode.Field section, Path file) {
    List<InetSocketAddress> listen = null;
    String operator = null;
    String contact = null;
    Path pgpKey = null;
    List<InetAddress> addresses = null;
    List<String> languages = List.of("en", "de");
    boolean publishRequesters = false;
    Path templates = null;
    int problemsBefore = values.problemCount();
    Set<String> seen = new LinkedHashSet<>();
    for (YamlNode.Field field : values.mapping(section)) {
      seen.add(field.key());
      switch (field.key()) {
        case "listen" -> listen = listen(values, field);
        case "operator" -> operator = text(values, field);
        case "contact" -> contact = contact(values, field);
        case "pgp-key" -> pgpKey = existing(values, field, file, false);
        case "addresses" -> addresses = addresses(values, field);
        case "languages" -> languages = languages(values, field, languages);
        case "publish-requesters" -> {
          Boolean b = values.bool(field);
          publishRequesters = b != null && b;
        }
        case "templates" -> templates = existing(values, field, file, true);
        default -> values.problem(field.where(), Keys.unknown(field.key(), KEYS));
      }
    }
    for (String required : List.of("listen", "operator", "contact")) {
      if (!seen.contains(required)) {
        values.problem(
            section.where(),
            "notice: needs " + required + ": (" + example(required) + "), or leave notice: out");
      }
    }
    if (values.problemCount() > problemsBefore) {
      return null;
    }
    if (addresses == null) {
      if (listen.stream().anyMatch(a -> a.getAddress().isAnyLocalAddress())) {
        // The pages, security.txt and the block page link to the exit's address: 0.0.0.0 is none.
        values.problem(
            section.where(),
            "notice: listens on a wildcard address, so it needs addresses: (the exit's outgoing"
                + " addresses, e.g. [203.0.113.10]) for its pages to name and link to");
        return null;
      }
      Set<InetAddress> fromListen = new LinkedHashSet<>();
      listen.forEach(a -> fromListen.add(a.getAddress()));
      addresses = List.copyOf(fromListen);
    }
    return new NoticeConfig(
        listen, operator, contact, pgpKey, addresses, languages, publishRequesters, templates);
  }

  private static String example(String key) {
    return switch (key) {
      case "listen" -> "the exit's public addresses, e.g. listen: [\"203.0.113.10:80\"]";
      case "operator" -> "who runs the exit, e.g. operator: \"Example Exit e.V.\"";
      default -> "the abuse address, e.g. contact: abuse@exit.example";
    };
  }

  private static List<YamlNode> items(Values values, YamlNode.Field field, String what) {
    return field.value() instanceof YamlNode.Scalar s && !s.isNull()
        ? List.of(s)
        : values.list(field, what);
  }

  private static List<InetSocketAddress> listen(Values values, YamlNode.Field field) {
    List<InetSocketAddress> listen = new ArrayList<>();
    List<YamlNode> items =
        items(values, field, "a list of addresses such as [\"203.0.113.10:80\", \"[::1]:80\"]");
    for (YamlNode item : items) {
      InetSocketAddress a =
          ConfigLoader.socketAddress(values, new YamlNode.Field("listen", item.where(), item), -1);
      if (a != null) {
        listen.add(a);
      }
    }
    if (items.isEmpty()) {
      values.problem(field.where(), "notice: listen: needs at least one address");
    }
    return listen;
  }

  private static List<InetAddress> addresses(Values values, YamlNode.Field field) {
    Set<InetAddress> addresses = new LinkedHashSet<>();
    for (YamlNode item : items(values, field, "a list of IP addresses")) {
      InetAddress a =
          item instanceof YamlNode.Scalar s && !s.isNull()
              ? ConfigLoader.ipLiteral(s.text().trim())
              : null;
      if (a == null) {
        values.problem(
            item.where(),
            "addresses: each must be an IP address such as 203.0.113.10 or 2001:db8::10, not "
                + (item instanceof YamlNode.Scalar s ? "'" + s.text() + "'" : item.describe()));
      } else {
        addresses.add(a);
      }
    }
    return List.copyOf(addresses);
  }

  private static List<String> languages(
      Values values, YamlNode.Field field, List<String> fallback) {
    Set<String> languages = new LinkedHashSet<>();
    List<YamlNode> items = items(values, field, "a list of language codes such as [en, de]");
    for (YamlNode item : items) {
      String code = item instanceof YamlNode.Scalar s && !s.isNull() ? s.text().trim() : null;
      if (code == null || !LANGUAGE.matcher(code).matches()) {
        values.problem(
            item.where(),
            "languages: each must be a two- or three-letter language code in lower case, such as"
                + " en or de, not "
                + (code == null ? item.describe() : "'" + code + "'"));
      } else if (!languages.add(code)) {
        values.problem(item.where(), "languages: " + code + " is listed twice");
      }
    }
    if (items.isEmpty()) {
      values.problem(field.where(), "languages: needs at least one language, e.g. [en, de]");
      return fallback;
    }
    return List.copyOf(languages);
  }

  private static String text(Values values, YamlNode.Field field) {
    YamlNode.Scalar scalar = values.scalar(field);
    if (scalar == null) {
      return null;
    }
    String text = scalar.text().strip();
    if (text.isEmpty()) {
      values.problem(scalar.where(), field.key() + " needs a value");
      return null;
    }
    return text;
  }

  private static String contact(Values values, YamlNode.Field field) {
    String text = text(values, field);
    if (text != null && !EMAIL.matcher(text).matches()) {
      values.problem(
          field.value().where(),
          "contact must be an email address such as abuse@exit.example, not '" + text + "'");
      return null;
    }
    return text;
  }

  /** A file or folder that must exist now, so that a typo is reported where it was written. */
  private static Path existing(Values values, YamlNode.Field field, Path file, boolean folder) {
    YamlNode.Scalar scalar = values.scalar(field);
    if (scalar == null) {
      return null;
    }
    Path path = file.resolveSibling(scalar.text().trim());
    boolean ok =
        folder ? Files.isDirectory(path) : Files.isRegularFile(path) && Files.isReadable(path);
    if (!ok) {
      values.problem(
          scalar.where(),
          field.key()
              + ": "
              + path
              + (Files.exists(path)
                  ? folder ? " is not a folder" : " is not a readable file"
                  : " not found")
              + " (a relative path is relative to the configuration's folder)");
      return null;
    }
    return path;
  }
}
