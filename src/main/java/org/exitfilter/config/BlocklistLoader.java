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
    return load(file, Analysis.WHOLE_LIST);
  }

  /**
   * Loads a blocklist, with or without the warnings that need the whole list.
   *
   * @throws ConfigException listing every problem as file:line:column, all at once
   * @throws IOException when the file cannot be read
   */
  public static Blocklist load(Path file, Analysis analysis) throws ConfigException, IOException {
    return load(file, LocalDate.now(ZoneOffset.UTC), analysis);
  }

  /** Loads a blocklist, judging expiry as of {@code today} (a UTC day). */
  static Blocklist load(Path file, LocalDate today) throws ConfigException, IOException {
    return load(file, today, Analysis.WHOLE_LIST);
  }

  /**
   * Which warnings a load looks for. Every problem that makes a list invalid is always found; what
   * differs is the analysis across entries, which at a million entries costs about as much time and
   * memory as the load itself, and so has no place before the proxy serves.
   */
  public enum Analysis {
    /** Warnings about single entries only (such as an entry already expired). */
    PER_ENTRY,
    /** Also duplicates, exceptions that match no ban, and bans shadowed by broader bans. */
    WHOLE_LIST
  }

  private static Blocklist load(Path file, LocalDate today, Analysis analysis)
      throws ConfigException, IOException {
    byte[] bytes = Files.readAllBytes(file);
    Problems problems = new Problems(file);
    Problems warnings = new Problems(file);
    YamlNode root = YamlReader.read(file, bytes, problems);

    EntryReader entries = new EntryReader(file, problems, warnings, today);
    List<Rule> bans = new ArrayList<>();
    List<ListEntries> listEntries = new ArrayList<>();
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
      listEntries.add(ListFileReader.read(list, problems));
    }
    problems.throwIfAny();

    if (analysis == Analysis.WHOLE_LIST) {
      Blocklist read = new Blocklist(file, "", bans, exceptions, listEntries, List.of());
      List<Rule> allBans = read.bans();
      Duplicates.check(allBans, exceptions, warnings);
      UnusedExceptions.check(allBans, exceptions, warnings);
      ShadowedBans.check(allBans, exceptions, today, warnings);
    }
    return new Blocklist(
        file, sha256(bytes), bans, exceptions, listEntries, warnings.inFileOrder());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
