package org.exitfilter.notice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.exitfilter.config.ListEntries;
import org.exitfilter.config.Rule;

/**
 * The bans of the list in force, source after source: the operator's own list, then each shared
 * list's accepted commit; within a source, the bans written in its blocklist file, then each list
 * file's entries. Immutable; read by any number of pages at once.
 *
 * <p>An entry is addressed by its position, and a {@link Rule} is built only for the entries a page
 * shows, so a page of a million-entry list costs the page's entries, not the list's. A shared ban
 * the operator vetoes has no position at all: the totals, the pages and the search count only the
 * bans in force.
 */
final class BanList {
  private final List<BanSource> sources;
  private final String fingerprint;

  private BanList(List<BanSource> sources, String fingerprint) {
    this.sources = sources;
    this.fingerprint = fingerprint;
  }

  /** The sources, the operator's own list first. */
  static BanList of(List<BanSource> sources) {
    MessageDigest digest = BanSource.sha256();
    for (BanSource source : sources) {
      digest.update(source.fingerprint().getBytes(StandardCharsets.US_ASCII));
      digest.update((byte) '\n');
    }
    return new BanList(List.copyOf(sources), HexFormat.of().formatHex(digest.digest(), 0, 12));
  }

  /** Identifies the list's contents; with the day, what every published page of it shows. */
  String fingerprint() {
    return fingerprint;
  }

  /**
   * The bans in force on a day: those not expired and not vetoed. Cheap: expiry is per rule or per
   * list file, and a veto's end is kept with the few bans vetoed.
   */
  View on(LocalDate day) {
    List<Segment> segments = new ArrayList<>();
    List<Count> counts = new ArrayList<>();
    for (BanSource source : sources) {
      int count = 0;
      List<Rule> written = source.writtenOn(day);
      if (!written.isEmpty()) {
        segments.add(new Segment(source, written, null, null));
        count += written.size();
      }
      for (BanSource.Listed listed : source.listsOn(day)) {
        int[] vetoed = listed.vetoedOn(day);
        if (vetoed.length < listed.entries().size()) {
          segments.add(new Segment(source, null, listed.entries(), vetoed));
          count += listed.entries().size() - vetoed.length;
        }
      }
      counts.add(new Count(source.list(), source.commit(), count));
    }
    return new View(segments, counts);
  }

  /**
   * How many bans one source has in force.
   *
   * @param list the shared list's name, {@code null} for the operator's own
   * @param commit the shared list's accepted commit, abbreviated; {@code null} for the operator's
   */
  record Count(String list, String commit, int count) {}

  /** A published ban: its rule, built now, and the shared list it is from ({@code null}: local). */
  record Ban(Rule rule, String list) {}

  /**
   * A run of bans of one source: rules written in a file, or a list file's entries but those vetoed
   * ({@code skipped}, ascending positions).
   */
  private record Segment(BanSource source, List<Rule> written, ListEntries entries, int[] skipped) {
    int size() {
      return written != null ? written.size() : entries.size() - skipped.length;
    }

    Rule get(int index) {
      return written != null ? written.get(index) : entries.rule(position(index));
    }

    /** The position in the list file of the {@code index}-th entry not skipped. */
    int position(int index) {
      if (skipped.length == 0) {
        return index;
      }
      // the smallest position p with index + 1 entries not skipped up to it
      int low = index;
      int high = index + skipped.length;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (mid + 1 - skippedUpTo(mid) >= index + 1) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      return low;
    }

    /** How many skipped positions are at or before {@code position}. */
    private int skippedUpTo(int position) {
      int low = 0;
      int high = skipped.length;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (skipped[mid] <= position) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }
  }

  /** The bans in force on one day, addressed 0 to {@link #size()}. */
  static final class View {
    private final List<Segment> segments;
    private final List<Count> counts;
    private final int size;

    private View(List<Segment> segments, List<Count> counts) {
      this.segments = List.copyOf(segments);
      this.counts = List.copyOf(counts);
      int total = 0;
      for (Segment segment : segments) {
        total += segment.size();
      }
      this.size = total;
    }

    int size() {
      return size;
    }

    /** Per source, the operator's own list first, how many bans it has in force. */
    List<Count> counts() {
      return counts;
    }

    /** Entry {@code index}, built now. */
    Ban get(int index) {
      int i = index;
      for (Segment segment : segments) {
        if (i < segment.size()) {
          return new Ban(segment.get(i), segment.source().list());
        }
        i -= segment.size();
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
      byte[] scratch = new byte[BanSource.MAX_VALUE];
      List<Integer> found = new ArrayList<>();
      int total = 0;
      int base = 0;
      for (Segment segment : segments) {
        if (segment.written() != null) {
          List<Rule> written = segment.written();
          for (int w = 0; w < written.size(); w++) {
            if (written.get(w).value().contains(query)) {
              if (total >= skip && found.size() < limit) {
                found.add(base + w);
              }
              total++;
            }
          }
        } else {
          ListEntries list = segment.entries();
          int[] skipped = segment.skipped();
          int next = 0; // the next skipped position
          int index = base;
          for (int i = 0; i < list.size(); i++) {
            if (next < skipped.length && skipped[next] == i) {
              next++;
              continue;
            }
            int length = list.valueLength(i);
            list.copyValue(i, scratch, 0);
            if (contains(scratch, length, needle)) {
              if (total >= skip && found.size() < limit) {
                found.add(index);
              }
              total++;
            }
            index++;
          }
        }
        base += segment.size();
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
