package org.exitfilter.config;

import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated blocklist as the operator wrote it, entries in file order.
 *
 * <p>The entries of {@code lists:} files stay in their compact {@link ListEntries} form; {@link
 * #bans()} shows them as rules, built one at a time as they are read, so that a million list
 * entries never become a million objects.
 *
 * @param file the blocklist file
 * @param sha256 hex SHA-256 of the blocklist file's bytes, to tell versions apart
 * @param writtenBans the ban entries written in the blocklist file itself
 * @param exceptions the exception entries
 * @param lists the entries of each plain-text list file named under {@code lists:}, in order
 * @param warnings things worth the operator's attention that do not stop the list from loading
 */
public record Blocklist(
    Path file,
    String sha256,
    List<Rule> writtenBans,
    List<Rule> exceptions,
    List<ListEntries> lists,
    List<Problem> warnings) {

  public Blocklist {
    writtenBans = List.copyOf(writtenBans);
    exceptions = List.copyOf(exceptions);
    lists = List.copyOf(lists);
    warnings = List.copyOf(warnings);
  }

  /** A blocklist of the given rules alone, with no list files. */
  public static Blocklist of(
      Path file, String sha256, List<Rule> bans, List<Rule> exceptions, List<Problem> warnings) {
    return new Blocklist(file, sha256, bans, exceptions, List.of(), warnings);
  }

  /**
   * One list of the bans, exceptions and list files of several, in order, named {@code file}: what
   * compiles the shared lists an exit follows into one matcher, among which the usual precedence
   * holds. Shares every list file's entries.
   */
  public static Blocklist union(Path file, List<Blocklist> lists) {
    List<Rule> bans = new ArrayList<>();
    List<Rule> exceptions = new ArrayList<>();
    List<ListEntries> entries = new ArrayList<>();
    for (Blocklist list : lists) {
      bans.addAll(list.writtenBans());
      exceptions.addAll(list.exceptions());
      entries.addAll(list.lists());
    }
    return new Blocklist(file, "", bans, exceptions, entries, List.of());
  }

  /**
   * Every ban: those written in the file, then those of each list file in order. A read-only view
   * whose rules are built as they are read; equal each time, but not the same objects.
   */
  public List<Rule> bans() {
    return new Bans();
  }

  /** The number of bans, without building any. */
  public int banCount() {
    int count = writtenBans.size();
    for (ListEntries list : lists) {
      count += list.size();
    }
    return count;
  }

  /** The plain-text list files named under {@code lists:}, which reload watches too. */
  public List<Path> listFiles() {
    return lists.stream().map(ListEntries::file).toList();
  }

  /**
   * What the load read from each list file, by its absolute, normalized path (a file named twice
   * was read alike both times).
   */
  public Map<Path, ReadContent> listContents() {
    Map<Path, ReadContent> contents = new HashMap<>();
    for (ListEntries list : lists) {
      if (list.content() != null) {
        contents.put(list.file().toAbsolutePath().normalize(), list.content());
      }
    }
    return contents;
  }

  /**
   * How many bans there are of each kind, every kind present (0 when none), without building any.
   */
  public Map<RuleKind, Integer> banCountsByKind() {
    Map<RuleKind, Integer> counts = countsByKind(writtenBans);
    for (ListEntries list : lists) {
      counts.merge(list.kind(), list.size(), Integer::sum);
    }
    return counts;
  }

  /** How many exceptions there are of each kind, every kind present (0 when none). */
  public Map<RuleKind, Integer> exceptionCountsByKind() {
    return countsByKind(exceptions);
  }

  private static Map<RuleKind, Integer> countsByKind(List<Rule> rules) {
    Map<RuleKind, Integer> counts = new EnumMap<>(RuleKind.class);
    for (RuleKind kind : RuleKind.values()) {
      counts.put(kind, 0);
    }
    rules.forEach(r -> counts.merge(r.kind(), 1, Integer::sum));
    return counts;
  }

  /**
   * What a serving process keeps of a loaded list besides its compiled matcher: no entry, only what
   * {@code /status} and the log report, and which files a reload watches.
   *
   * @param bans the number of bans of each kind
   * @param exceptions the number of exceptions of each kind
   */
  public record Summary(
      Path file,
      String sha256,
      List<Path> listFiles,
      Map<Path, ReadContent> listContents,
      Map<RuleKind, Integer> bans,
      Map<RuleKind, Integer> exceptions,
      List<Problem> warnings) {

    public Summary {
      listFiles = List.copyOf(listFiles);
      listContents = Map.copyOf(listContents);
      bans = Map.copyOf(bans);
      exceptions = Map.copyOf(exceptions);
      warnings = List.copyOf(warnings);
    }

    public int banCount() {
      return bans.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int exceptionCount() {
      return exceptions.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** What a serving process keeps of this list. */
  public Summary summary() {
    return new Summary(
        file,
        sha256,
        listFiles(),
        listContents(),
        banCountsByKind(),
        exceptionCountsByKind(),
        warnings);
  }

  /** The written bans followed by the entries of each list, indexed without copying. */
  private final class Bans extends AbstractList<Rule> {
    private final int size = banCount();

    @Override
    public Rule get(int index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException(index);
      }
      if (index < writtenBans.size()) {
        return writtenBans.get(index);
      }
      int i = index - writtenBans.size();
      for (ListEntries list : lists) {
        if (i < list.size()) {
          return list.rule(i);
        }
        i -= list.size();
      }
      throw new AssertionError("index within size");
    }

    @Override
    public int size() {
      return size;
    }
  }
}
