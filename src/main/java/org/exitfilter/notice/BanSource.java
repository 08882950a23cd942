package org.exitfilter.notice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.ListEntries;
import org.exitfilter.config.Rule;
import org.exitfilter.config.SharedFile;
import org.exitfilter.match.LocalVeto;

/**
 * The published bans of one source of the list in force: the operator's own list, or one shared
 * list's accepted commit. Kept as loaded: the rules written in the blocklist file and each list
 * file's compact {@link ListEntries}, never a {@link Rule} per list entry. Immutable.
 *
 * <p>A shared list's bans that the operator's exceptions lift whole ({@link LocalVeto}) are not in
 * force, so they are marked here, once per load, with the last day the veto holds: a few {@code
 * int}s for each ban vetoed, nothing for the others. Finding them takes one check per shared ban,
 * on the thread that loads the list, and none when the operator has no exception.
 */
final class BanSource {
  /** The longest normalized value: a name of 253 characters, or an IPv6 CIDR. */
  static final int MAX_VALUE = 256;

  private final String list;
  private final String commit;
  private final List<Rule> written;
  private final long[] writtenVetoedUntil;
  private final List<Listed> lists;
  private final String fingerprint;

  /**
   * One list file's entries, with the positions of those vetoed (ascending) and, for each, the last
   * day of its veto as an epoch day.
   */
  record Listed(ListEntries entries, int[] vetoed, long[] vetoedUntil) {
    /** The positions vetoed on {@code day}, ascending. */
    int[] vetoedOn(LocalDate day) {
      if (vetoed.length == 0) {
        return vetoed;
      }
      long today = day.toEpochDay();
      int[] on = new int[vetoed.length];
      int n = 0;
      for (int v = 0; v < vetoed.length; v++) {
        if (vetoedUntil[v] >= today) {
          on[n++] = vetoed[v];
        }
      }
      return n == on.length ? vetoed : Arrays.copyOf(on, n);
    }
  }

  private BanSource(
      String list,
      String commit,
      List<Rule> written,
      long[] writtenVetoedUntil,
      List<Listed> lists,
      String fingerprint) {
    this.list = list;
    this.commit = commit;
    this.written = written;
    this.writtenVetoedUntil = writtenVetoedUntil;
    this.lists = lists;
    this.fingerprint = fingerprint;
  }

  /** The operator's own list: nothing vetoes it. */
  static BanSource local(Blocklist blocklist) {
    return of(null, null, blocklist, LocalVeto.NONE);
  }

  /**
   * A shared list's accepted commit, its bans vetoed by the operator's exceptions left out; its
   * entries' files are named as {@link SharedFile}.
   */
  static BanSource shared(Blocklist blocklist, LocalVeto veto) {
    SharedFile file = SharedFile.named(blocklist.file());
    if (file == null) {
      throw new IllegalArgumentException(
          "not a shared list's accepted commit: " + blocklist.file());
    }
    return of(file.list(), file.commit(), blocklist, veto);
  }

  private static BanSource of(String list, String commit, Blocklist blocklist, LocalVeto veto) {
    long[] writtenUntil = new long[blocklist.writtenBans().size()];
    for (int w = 0; w < writtenUntil.length; w++) {
      Rule ban = blocklist.writtenBans().get(w);
      writtenUntil[w] = epochDay(veto.lastDay(ban.kind(), ban.value(), ban.ports()));
    }
    List<Listed> lists = new ArrayList<>();
    for (ListEntries entries : blocklist.lists()) {
      lists.add(vetoes(entries, veto));
    }
    return new BanSource(
        list, commit, blocklist.writtenBans(), writtenUntil, List.copyOf(lists), hash(blocklist));
  }

  private static Listed vetoes(ListEntries entries, LocalVeto veto) {
    if (entries.size() == 0 || !veto.mayVeto(entries.kind())) {
      return new Listed(entries, new int[0], new long[0]);
    }
    Rule template = entries.template();
    int[] vetoed = new int[8];
    long[] until = new long[8];
    int n = 0;
    for (int i = 0; i < entries.size(); i++) {
      LocalDate last = veto.lastDay(entries.kind(), entries.value(i), template.ports());
      if (last != null) {
        if (n == vetoed.length) {
          vetoed = Arrays.copyOf(vetoed, n * 2);
          until = Arrays.copyOf(until, n * 2);
        }
        vetoed[n] = i;
        until[n] = last.toEpochDay();
        n++;
      }
    }
    return new Listed(entries, Arrays.copyOf(vetoed, n), Arrays.copyOf(until, n));
  }

  /** {@link Long#MIN_VALUE} for a ban not vetoed. */
  private static long epochDay(LocalDate lastDay) {
    return lastDay == null ? Long.MIN_VALUE : lastDay.toEpochDay();
  }

  /** The shared list's name; {@code null} for the operator's own list. */
  String list() {
    return list;
  }

  /** The shared list's accepted commit, abbreviated; {@code null} for the operator's own list. */
  String commit() {
    return commit;
  }

  /** The rules written in the blocklist file that are in force on {@code day}. */
  List<Rule> writtenOn(LocalDate day) {
    long today = day.toEpochDay();
    List<Rule> active = new ArrayList<>();
    for (int w = 0; w < written.size(); w++) {
      Rule rule = written.get(w);
      if (rule.activeOn(day) && writtenVetoedUntil[w] < today) {
        active.add(rule);
      }
    }
    return active;
  }

  /** The list files whose entries are in force on {@code day} (expiry is per list file). */
  List<Listed> listsOn(LocalDate day) {
    List<Listed> active = new ArrayList<>();
    for (Listed listed : lists) {
      if (listed.entries().size() > 0 && listed.entries().template().activeOn(day)) {
        active.add(listed);
      }
    }
    return active;
  }

  /**
   * Identifies what the source publishes: the blocklist file's hash (the operator's exceptions with
   * it, which decide the vetoes) and every list entry's value and file, so that an edit of a list
   * file, or a shared list's new commit, changes it. One pass over the entry bytes.
   */
  String fingerprint() {
    return fingerprint;
  }

  private static String hash(Blocklist blocklist) {
    MessageDigest digest = sha256();
    digest.update(blocklist.file().toString().getBytes(StandardCharsets.UTF_8));
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

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
