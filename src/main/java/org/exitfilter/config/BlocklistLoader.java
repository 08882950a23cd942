package org.exitfilter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads and validates a blocklist YAML file and the plain-text lists it names.
 *
 * <p>The format, as the operator writes it:
 *
 * <pre>{@code
 * bans:
 *   - domain: example.org        # example.org and every name under it
 *     reason: "Owner asked to block anonymous posting"
 *     requested-by: webmaster@example.org
 *     requested-on: 2026-11-20
 *     expires: 2027-11-20        # optional; the last UTC day it applies
 *   - host: login.example.net    # exactly this name
 *   - pattern: "shop.example.*"  # '*' is exactly one whole label
 *   - network: 203.0.113.0/24    # IPv4 or IPv6, CIDR or one address
 *     ports: [80, 443]           # optional on any entry; default every port
 * exceptions:                    # optional; same kinds; carve holes in bans
 *   - host: status.example.org
 * lists:                         # optional; plain-text files, one name per line
 *   - file: shared/forums-optout.txt
 *     kind: domain               # domain | host | network
 * }</pre>
 */
public final class BlocklistLoader {
  private static final List<String> TOP_KEYS = List.of("bans", "exceptions", "lists");

  private BlocklistLoader() {}

  /**
   * Loads a blocklist.
   *
   * @throws ConfigException listing every problem as file:line:column, all at once
   * @throws IOException when the file cannot be read
   */
  public static Blocklist load(Path file) throws ConfigException, IOException {
    return load(file, LocalDate.now(ZoneOffset.UTC));
  }

  /** Loads a blocklist, judging expiry as of {@code today} (a UTC day). */
  static Blocklist load(Path file, LocalDate today) throws ConfigException, IOException {
    byte[] bytes = Files.readAllBytes(file);
    Problems problems = new Problems(file);
    Problems warnings = new Problems(file);
    YamlNode root = YamlReader.read(file, bytes, problems);

    EntryReader entries = new EntryReader(file, problems, warnings, today);
    List<Rule> bans = new ArrayList<>();
    List<Rule> exceptions = new ArrayList<>();
    List<EntryReader.ListSpec> lists = new ArrayList<>();
    if (root instanceof YamlNode.Mapping mapping) {
      for (YamlNode.Field field : mapping.fields) {
        switch (field.key()) {
          case "bans" -> entries.readRules(field, false, bans);
          case "exceptions" -> entries.readRules(field, true, exceptions);
          case "lists" -> entries.readLists(field, lists);
          default -> problems.add(field.where(), Keys.unknown(field.key(), TOP_KEYS));
        }
      }
    } else if (root != null && !(root instanceof YamlNode.Scalar s && s.isNull())) {
      problems.add(
          root.where(),
          "a blocklist is a mapping with bans:, exceptions: and lists:, not " + root.describe());
    }
    for (EntryReader.ListSpec list : lists) {
      ListFileReader.read(list, problems, bans::add);
    }
    problems.throwIfAny();

    Duplicates.check(bans, exceptions, warnings);
    UnusedExceptions.check(bans, exceptions, warnings);
    ShadowedBans.check(bans, exceptions, today, warnings);
    return new Blocklist(
        file,
        sha256(bytes),
        bans,
        exceptions,
        warnings.inFileOrder(),
        lists.stream().map(EntryReader.ListSpec::file).toList());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
