package org.exitfilter.notice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.ListEntries;
import org.exitfilter.config.Rule;

/**
 * One loaded list's bans, in file order: the bans written in the blocklist file, then each list
 * file's entries. Immutable; read by any number of pages at once.
 *
 * <p>An entry is addressed by its position, and a {@link Rule} is built only for the entries a page
 * shows, so a page of a million-entry list costs the page's entries, not the list's.
 */
final class BanList {
  /** The longest normalized value: a name of 253 characters, or an IPv6 CIDR. */
  private static final int MAX_VALUE = 256;

  private final List<Rule> written;
  private final List<ListEntries> lists;
  private final String fingerprint;

  private BanList(List<Rule> written, List<ListEntries> lists, String fingerprint) {
    this.written = written;
    this.lists = lists;
    this.fingerprint = fingerprint;
  }

  static BanList of(Blocklist blocklist) {
    return new BanList(blocklist.writtenBans(), blocklist.lists(), fingerprint(blocklist));
  }

  /**
   * A hash of everything published: the blocklist file's hash and every list entry's value, so that
   * an edit of a list file changes it too. One pass over the entry bytes, on the thread that loads
   * the list.
   */
  private static String fingerprint(Blocklist blocklist) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    digest.update(blocklist.sha256().getBytes(StandardCharsets.US_ASCII));
    byte[] scratch = new byte[MAX_VALUE + 1];
    for (ListEntries list : blocklist.lists()) {
      digest.update(list.file().toString().getBytes(StandardCharsets.UTF_8));
      Rule template = list.template();
      if (template != null) {
        digest.update(template.toString().getBytes(StandardCharsets.UTF_8));
      }
      for (int i = 0; i < list.size(); i++) {
        int length = list.valueLength(i);
        list.copyValue(i, scratch, 0);
        scratch[length] = '\n';
        digest.update(scratch, 0, length + 1);
      }
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 12);
  }

  /** Identifies the list's contents; with the day, what every published page of it shows. */
  String fingerprint() {
    return fingerprint;
  }

  /** The bans in force on a day: those not expired. Cheap: expiry is per rule or per list file. */
  View on(LocalDate day) {
    List<Rule> activeWritten = new ArrayList<>();
    for (Rule rule : written) {
      if (rule.activeOn(day)) {
        activeWritten.add(rule);
      }
    }
    List<ListEntries> activeLists = new ArrayList<>();
    for (ListEntries list : lists) {
      if (list.size() > 0 && list.template().activeOn(day)) {
        activeLists.add(list);
      }
    }
    return new View(activeWritten, activeLists);
  }

  /** The bans in force on one day, addressed 0 to {@link #size()}. */
  static final class View {
    private final List<Rule> written;
    private final List<ListEntries> lists;
    private final int size;

    View(List<Rule> written, List<ListEntries> lists) {
      this.written = List.copyOf(written);
      this.lists = List.copyOf(lists);
      int total = written.size();
      for (ListEntries list : lists) {
        total += list.size();
      }
      this.size = total;
    }

    int size() {
      return size;
    }

    /** Entry {@code index}, built now. */
    Rule get(int index) {
      if (index < written.size()) {
        return written.get(index);
      }
      int i = index - written.size();
      for (ListEntries list : lists) {
        if (i < list.size()) {
          return list.rule(i);
        }
        i -= list.size();
      }
      throw new IndexOutOfBoundsException(index);
    }

    /**
     * The positions of entries whose value contains {@code query} (ASCII, lower case), from the
     * {@code skip}-th match on, at most {@code limit}; and how many match in all. Compares bytes,
     * so a search of a million entries builds no object per entry.
     */
    Matches search(String query, int skip, int limit) {
      byte[] needle = query.getBytes(StandardCharsets.US_ASCII);
      List<Integer> found = new ArrayList<>();
      int total = 0;
      for (int w = 0; w < written.size(); w++) {
        if (written.get(w).value().contains(query)) {
          if (total >= skip && found.size() < limit) {
            found.add(w);
          }
          total++;
        }
      }
      byte[] scratch = new byte[MAX_VALUE];
      int base = written.size();
      for (ListEntries list : lists) {
        for (int i = 0; i < list.size(); i++) {
          int length = list.valueLength(i);
          list.copyValue(i, scratch, 0);
          if (contains(scratch, length, needle)) {
            if (total >= skip && found.size() < limit) {
              found.add(base + i);
            }
            total++;
          }
        }
        base += list.size();
      }
      return new Matches(found, total);
    }

    private static boolean contains(byte[] haystack, int length, byte[] needle) {
      outer:
      for (int start = 0; start + needle.length <= length; start++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[start + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
  }

  /** Positions of search results, and how many results there are in all. */
  record Matches(List<Integer> positions, int total) {}
}
