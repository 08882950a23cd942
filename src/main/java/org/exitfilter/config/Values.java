package org.exitfilter.config;

import com.fasterxml.jackson.core.JsonToken;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns YAML values into typed values, reporting each bad one at its own line and column. Every
 * method returns {@code null} (or an empty result) after reporting, so the caller can go on and
 * find the next problem.
 */
final class Values {
  static final int MAX_PORT = 65_535;

  private final Problems problems;

  Values(Problems problems) {
    this.problems = problems;
  }

  void problem(Source where, String message) {
    problems.add(where, message);
  }

  int problemCount() {
    return problems.size();
  }

  /** A required single value. */
  YamlNode.Scalar scalar(YamlNode.Field field) {
    YamlNode value = field.value();
    if (value instanceof YamlNode.Scalar scalar) {
      if (!scalar.isNull()) {
        return scalar;
      }
      problems.add(field.where(), field.key() + " needs a value");
    } else {
      problems.add(value.where(), field.key() + " must be a single value, not " + value.describe());
    }
    return null;
  }

  /** Optional text: an empty value counts as not given. */
  String optionalText(YamlNode.Field field) {
    if (field.value() instanceof YamlNode.Scalar scalar && scalar.isNull()) {
      return null;
    }
    YamlNode.Scalar scalar = scalar(field);
    return scalar == null ? null : scalar.text();
  }

  /** The items of a list; an empty value is an empty list. */
  List<YamlNode> list(YamlNode.Field field, String what) {
    YamlNode value = field.value();
    if (value instanceof YamlNode.Sequence sequence) {
      return sequence.items;
    }
    if (!(value instanceof YamlNode.Scalar scalar && scalar.isNull())) {
      problems.add(value.where(), field.key() + " must be " + what + ", not " + value.describe());
    }
    return List.of();
  }

  /** The fields of a mapping; an empty value is an empty mapping. */
  List<YamlNode.Field> mapping(YamlNode.Field field) {
    YamlNode value = field.value();
    if (value instanceof YamlNode.Mapping mapping) {
      return mapping.fields;
    }
    if (!(value instanceof YamlNode.Scalar scalar && scalar.isNull())) {
      problems.add(
          value.where(), field.key() + " must be a mapping of keys, not " + value.describe());
    }
    return List.of();
  }

  /** A date written YYYY-MM-DD, quoted or not. */
  LocalDate date(YamlNode.Field field) {
    YamlNode.Scalar scalar = scalar(field);
    if (scalar == null) {
      return null;
    }
    String text = scalar.text();
    if (!looksLikeDate(text)) {
      problems.add(
          scalar.where(),
          "invalid date '" + text + "' for " + field.key() + ": expected YYYY-MM-DD");
      return null;
    }
    try {
      return LocalDate.of(
          Integer.parseInt(text, 0, 4, 10),
          Integer.parseInt(text, 5, 7, 10),
          Integer.parseInt(text, 8, 10, 10));
    } catch (DateTimeException e) {
      problems.add(
          scalar.where(),
          "invalid date '" + text + "' for " + field.key() + ": there is no such day");
      return null;
    }
  }

  private static boolean looksLikeDate(String text) {
    if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (i != 4 && i != 7 && !isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * One port or a list of ports, each 1 to 65535, for an entry's {@code ports:}; {@code null} after
   * reporting a problem.
   */
  Ports ports(YamlNode.Field field) {
    Set<Integer> ports = portSet(field, false);
    if (ports == null) {
      return null;
    }
    return Ports.of(ports.stream().mapToInt(Integer::intValue).toArray());
  }

  /** One port or a list of ports; {@code null} after reporting a problem. */
  Set<Integer> portSet(YamlNode.Field field, boolean emptyAllowed) {
    YamlNode value = field.value();
    List<YamlNode> items;
    if (value instanceof YamlNode.Sequence sequence) {
      items = sequence.items;
      if (items.isEmpty() && !emptyAllowed) {
        problems.add(
            value.where(),
            field.key() + ": [] lists no port; leave " + field.key() + " out to mean every port");
        return null;
      }
    } else if (value instanceof YamlNode.Scalar scalar && !scalar.isNull()) {
      items = List.of(scalar);
    } else {
      problems.add(
          value instanceof YamlNode.Scalar ? field.where() : value.where(),
          field.key()
              + " must be a port or a list of ports such as [80, 443], not "
              + value.describe());
      return null;
    }
    Set<Integer> ports = new LinkedHashSet<>();
    boolean ok = true;
    for (YamlNode item : items) {
      int port = -1;
      if (item instanceof YamlNode.Scalar scalar) {
        port = port(scalar.text(), 1);
        if (port < 0) {
          problems.add(
              item.where(),
              "invalid port '" + scalar.text() + "': a port is a whole number from 1 to 65535");
        }
      } else {
        problems.add(item.where(), "a port must be a number, not " + item.describe());
      }
      ok &= port > 0;
      ports.add(port);
    }
    return ok ? ports : null;
  }

  /** A decimal port from {@code min} to 65535, or -1. */
  static int port(String text, int min) {
    if (text.isEmpty() || text.length() > 5) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value >= min && value <= MAX_PORT ? value : -1;
  }

  /** A whole number of at least 1. */
  Integer positiveInt(YamlNode.Field field) {
    YamlNode.Scalar scalar = scalar(field);
    if (scalar == null) {
      return null;
    }
    String text = scalar.text().replace("_", "");
    boolean digits =
        !text.isEmpty() && text.length() <= 10 && text.chars().allMatch(Values::isDigit);
    long value = digits ? Long.parseLong(text) : -1;
    if (value < 1 || value > Integer.MAX_VALUE) {
      problems.add(
          scalar.where(),
          field.key() + " must be a whole number of at least 1, not '" + scalar.text() + "'");
      return null;
    }
    return (int) value;
  }

  /** A positive duration: a whole number and one of the units ms, s, m, h. */
  Duration duration(YamlNode.Field field) {
    YamlNode.Scalar scalar = scalar(field);
    if (scalar == null) {
      return null;
    }
    String text = scalar.text();
    int unitStart = 0;
    while (unitStart < text.length() && isDigit(text.charAt(unitStart))) {
      unitStart++;
    }
    String unit = text.substring(unitStart);
    long amount =
        unitStart == 0 || unitStart > 9 ? -1 : Long.parseLong(text.substring(0, unitStart));
    Duration duration =
        amount < 0
            ? null
            : switch (unit) {
              case "ms" -> Duration.ofMillis(amount);
              case "s" -> Duration.ofSeconds(amount);
              case "m" -> Duration.ofMinutes(amount);
              case "h" -> Duration.ofHours(amount);
              default -> null;
            };
    if (duration == null) {
      problems.add(
          scalar.where(),
          "invalid duration '"
              + text
              + "' for "
              + field.key()
              + ": write a whole number and a unit, such as 500ms, 10s, 5m or 1h");
      return null;
    }
    if (duration.isZero()) {
      problems.add(scalar.where(), field.key() + " must be longer than " + text);
      return null;
    }
    return duration;
  }

  /** true or false (YAML's yes/no/on/off count too, as YAML 1.1 readers take them so). */
  Boolean bool(YamlNode.Field field) {
    YamlNode.Scalar scalar = scalar(field);
    if (scalar == null) {
      return null;
    }
    if (scalar.token() == JsonToken.VALUE_TRUE || scalar.token() == JsonToken.VALUE_FALSE) {
      return scalar.token() == JsonToken.VALUE_TRUE;
    }
    problems.add(
        scalar.where(), field.key() + " must be true or false, not '" + scalar.text() + "'");
    return null;
  }

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}
