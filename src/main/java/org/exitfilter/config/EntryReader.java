package org.exitfilter.config;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exitfilter.net.IpNetwork;

/**
 * Reads the entries under {@code bans:}, {@code exceptions:} and {@code lists:}, reporting every
 * problem of every entry. An entry with a problem yields no rule; the others still load, so that
 * all problems of the file surface in one go.
 */
final class EntryReader {
  private static final List<String> KINDS = List.of("domain", "host", "pattern", "network");
  private static final List<String> DETAILS =
      List.of("ports", "reason", "requested-by", "requested-on", "expires", "reference");
  private static final List<String> ENTRY_KEYS = concat(KINDS, DETAILS);
  private static final List<String> LIST_KEYS = concat(List.of("file", "kind"), DETAILS);
  private static final List<String> LIST_KINDS = List.of("domain", "host", "network");

  private final Path file;
  private final Values values;
  private final Problems warnings;
  private final LocalDate today;

  EntryReader(Path file, Problems problems, Problems warnings, LocalDate today) {
    this.file = file;
    this.values = new Values(problems);
    this.warnings = warnings;
    this.today = today;
  }

  /** What an entry says besides its value; shared by entries and lists. */
  record Details(
      Ports ports,
      String reason,
      String requestedBy,
      LocalDate requestedOn,
      LocalDate expires,
      String reference) {}

  /**
   * A {@code lists:} entry: a plain-text file of names or networks, each becoming a ban.
   *
   * @param file the list file, resolved against the blocklist's folder
   * @param fileWhere where {@code file:} was written, for a missing file
   */
  record ListSpec(Path file, Source fileWhere, RuleKind kind, Details details) {}

  /** Reads {@code bans:} or {@code exceptions:}, adding the valid entries to {@code out}. */
  void readRules(YamlNode.Field section, boolean exception, List<Rule> out) {
    for (YamlNode item : values.list(section, "a list of entries")) {
      if (item instanceof YamlNode.Mapping mapping) {
        Rule rule = readRule(mapping, exception);
        if (rule != null) {
          out.add(rule);
        }
      } else {
        values.problem(
            item.where(),
            "an entry must be a mapping such as 'domain: example.org', not " + item.describe());
      }
    }
  }

  /** Reads {@code lists:}; the files are read later, once the whole YAML file is checked. */
  void readLists(YamlNode.Field section, List<ListSpec> out) {
    for (YamlNode item : values.list(section, "a list of list files")) {
      if (item instanceof YamlNode.Mapping mapping) {
        ListSpec spec = readList(mapping);
        if (spec != null) {
          out.add(spec);
        }
      } else {
        values.problem(
            item.where(),
            "a list entry must be a mapping such as 'file: names.txt', not " + item.describe());
      }
    }
  }

  private Rule readRule(YamlNode.Mapping mapping, boolean exception) {
    YamlNode.Field kindField = null;
    RuleKind kind = null;
    String value = null;
    IpNetwork network = null;
    boolean ok = true;
    boolean unknownKeys = false;
    DetailReader details = new DetailReader();
    for (YamlNode.Field field : mapping.fields) {
      String key = field.key();
      if (KINDS.contains(key)) {
        if (kindField != null) {
          values.problem(
              field.where(),
              "entry has both "
                  + kindField.key()
                  + " and "
                  + key
                  + "; an entry names exactly one, so split it in two");
          ok = false;
          continue;
        }
        kindField = field;
        kind = RuleKind.valueOf(key.toUpperCase(Locale.ROOT));
        YamlNode.Scalar scalar = values.scalar(field);
        if (scalar == null) {
          ok = false;
          continue;
        }
        try {
          switch (kind) {
            case DOMAIN, HOST -> value = RuleValues.name(kind, scalar.text());
            case PATTERN -> value = RuleValues.pattern(scalar.text());
            case NETWORK -> {
              network = RuleValues.network(scalar.text());
              value = network.toString();
            }
          }
        } catch (InvalidValueException e) {
          values.problem(scalar.where(), e.getMessage());
          ok = false;
        }
      } else if (!details.read(field)) {
        values.problem(field.where(), Keys.unknown(key, ENTRY_KEYS));
        unknownKeys = true;
      }
    }
    Details read = details.finish();
    if (kindField == null) {
      // An unknown key is most likely the misspelt kind, already reported with a suggestion.
      if (mapping.whole() && !unknownKeys) {
        values.problem(
            mapping.where(), "entry has none of domain, host, pattern, network; it needs one");
      }
      return null;
    }
    if (!ok || read == null || unknownKeys) {
      return null;
    }
    Source where = kindField.where();
    warnIfExpired(where, read.expires());
    return new Rule(
        kind,
        value,
        network,
        read.ports(),
        exception,
        read.reason(),
        read.requestedBy(),
        read.requestedOn(),
        read.expires(),
        read.reference(),
        where);
  }

  private ListSpec readList(YamlNode.Mapping mapping) {
    YamlNode.Field fileField = null;
    YamlNode.Scalar fileValue = null;
    YamlNode.Field kindField = null;
    RuleKind kind = null;
    boolean ok = true;
    boolean unknownKeys = false;
    DetailReader details = new DetailReader();
    for (YamlNode.Field field : mapping.fields) {
      switch (field.key()) {
        case "file" -> {
          fileField = field;
          fileValue = values.scalar(field);
          ok &= fileValue != null;
        }
        case "kind" -> {
          kindField = field;
          YamlNode.Scalar scalar = values.scalar(field);
          if (scalar != null && LIST_KINDS.contains(scalar.text())) {
            kind = RuleKind.valueOf(scalar.text().toUpperCase(Locale.ROOT));
          } else if (scalar != null) {
            values.problem(
                scalar.where(),
                "kind must be one of domain, host, network, not '" + scalar.text() + "'");
          }
          ok &= kind != null;
        }
        default -> {
          if (!details.read(field)) {
            values.problem(field.where(), Keys.unknown(field.key(), LIST_KEYS));
            unknownKeys = true;
          }
        }
      }
    }
    if (mapping.whole() && fileField == null) {
      values.problem(mapping.where(), "list entry has no file: naming the list file");
    }
    if (mapping.whole() && kindField == null) {
      values.problem(
          mapping.where(), "list entry has no kind: (domain, host or network) for its lines");
    }
    Details read = details.finish();
    if (!ok || fileField == null || kindField == null || read == null || unknownKeys) {
      return null;
    }
    warnIfExpired(mapping.where(), read.expires());
    return new ListSpec(file.resolveSibling(fileValue.text()), fileField.where(), kind, read);
  }

  private void warnIfExpired(Source where, LocalDate expires) {
    if (expires != null && expires.isBefore(today)) {
      warnings.add(
          where,
          "entry expired on " + expires + " and no longer applies; remove it or extend expires");
    }
  }

  /** Collects the detail keys of one entry. */
  private final class DetailReader {
    private Ports ports = Ports.ALL;
    private String reason;
    private String requestedBy;
    private String reference;
    private LocalDate requestedOn;
    private YamlNode.Field expiresField;
    private LocalDate expires;
    private boolean ok = true;

    /** Reads the field if it is a detail key; false if it is not one. */
    boolean read(YamlNode.Field field) {
      switch (field.key()) {
        case "ports" -> {
          ports = values.ports(field);
          ok &= ports != null;
        }
        case "reason" -> reason = values.optionalText(field);
        case "requested-by" -> requestedBy = values.optionalText(field);
        case "reference" -> reference = values.optionalText(field);
        case "requested-on" -> requestedOn = optionalDate(field);
        case "expires" -> {
          expiresField = field;
          expires = optionalDate(field);
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    private LocalDate optionalDate(YamlNode.Field field) {
      if (field.value() instanceof YamlNode.Scalar scalar && scalar.isNull()) {
        return null;
      }
      LocalDate date = values.date(field);
      ok &= date != null;
      return date;
    }

    /** The details, or {@code null} if any was wrong (already reported). */
    Details finish() {
      if (expires != null && requestedOn != null && expires.isBefore(requestedOn)) {
        values.problem(
            expiresField.value().where(),
            "expires " + expires + " is before requested-on " + requestedOn);
        ok = false;
      }
      return ok ? new Details(ports, reason, requestedBy, requestedOn, expires, reference) : null;
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }
}
