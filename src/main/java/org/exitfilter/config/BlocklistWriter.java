package org.exitfilter.config;

import static java.util.stream.Collectors.toSet;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Changes the blocklist file so that it can never be left invalid: the edited text is written to a
 * temporary file in the same folder, loaded there with {@link BlocklistLoader} (the proxy's own
 * loader), checked to contain exactly the intended change, and only then renamed over the file. The
 * running proxy's reload sees the rename as an ordinary edit.
 */
public final class BlocklistWriter {
  /** The keys of a new entry written without quotes: ISO dates, as operators write them. */
  private static final Set<String> DATES = Set.of("requested-on", "expires");

  private final Path file;

  public BlocklistWriter(Path file) {
    this.file = file;
  }

  /**
   * A ban as approve writes it: a {@code domain:} entry, or a {@code network:} entry for a site
   * known by its address.
   *
   * @param kind {@link RuleKind#DOMAIN} or {@link RuleKind#NETWORK}
   * @param value the name, ASCII; or the network in canonical CIDR form
   * @param reason why; never blank
   * @param requestedBy the requester's address, or {@code null}
   * @param requestedOn the day they asked
   * @param expires the last day it applies, or {@code null}
   * @param reference the request id
   */
  public record NewBan(
      RuleKind kind,
      String value,
      String reason,
      String requestedBy,
      LocalDate requestedOn,
      LocalDate expires,
      String reference) {

    public NewBan {
      if (kind != RuleKind.DOMAIN && kind != RuleKind.NETWORK) {
        throw new IllegalArgumentException("approve writes domain: and network: entries only");
      }
    }

    /** A {@code domain:} ban. */
    public NewBan(
        String domain,
        String reason,
        String requestedBy,
        LocalDate requestedOn,
        LocalDate expires,
        String reference) {
      this(RuleKind.DOMAIN, domain, reason, requestedBy, requestedOn, expires, reference);
    }

    /** The entry's lines after its first key, as {@link YamlWriter} writes them. */
    List<String> fields() {
      ObjectNode fields = JsonNodeFactory.instance.objectNode();
      fields.put("reason", reason);
      if (requestedBy != null) {
        fields.put("requested-by", requestedBy);
      }
      fields.put("requested-on", requestedOn.toString());
      if (expires != null) {
        fields.put("expires", expires.toString());
      }
      fields.put("reference", reference);
      return YamlWriter.write(fields, DATES).lines().toList();
    }
  }

  /**
   * Where the change landed.
   *
   * @param file the blocklist file
   * @param line the first line of the last entry added, or 0 for a removal
   * @param removed the names and networks removed, for a removal
   * @param warnings what the loader warns about the added entries (e.g. a broader ban that already
   *     covers one), as {@code file:line:column: message}
   */
  public record Change(Path file, int line, List<String> removed, List<String> warnings) {}

  /** The blocklist as it is now, validated: changes are made only to a valid list. */
  public Blocklist current() throws ConfigException, IOException {
    return BlocklistLoader.load(file);
  }

  /**
   * Appends bans, in order, in one validated write.
   *
   * @throws ConfigException when the blocklist is invalid now
   * @throws BlocklistEditException when the change cannot be made cleanly; nothing was written
   */
  public Change add(List<NewBan> bans) throws IOException, ConfigException, BlocklistEditException {
    Path target = file.toRealPath();
    byte[] before = Files.readAllBytes(target);
    Blocklist old = BlocklistLoader.load(target);
    String edited = decode(before);
    for (NewBan ban : bans) {
      edited = BlocklistEdit.add(edited, ban);
    }
    Predicate<Rule> added =
        r -> ban(bans, r) != null && ban(bans, r).reference().equals(r.reference());
    Blocklist result =
        write(
            target,
            before,
            edited,
            next ->
                next.bans().size() == old.bans().size() + bans.size()
                    && next.bans().stream().filter(added).count()
                        == old.bans().stream().filter(added).count() + bans.size());
    Set<Integer> lines =
        result.bans().stream().filter(added).map(r -> r.source().line()).collect(toSet());
    List<String> warnings =
        result.warnings().stream()
            .filter(w -> lines.contains(w.where().line()))
            .map(Problem::toString)
            .toList();
    int line = lines.stream().mapToInt(Integer::intValue).max().orElse(0);
    return new Change(file, line, List.of(), warnings);
  }

  private static NewBan ban(List<NewBan> bans, Rule rule) {
    for (NewBan ban : bans) {
      if (ban.kind() == rule.kind() && ban.value().equals(rule.value())) {
        return ban;
      }
    }
    return null;
  }

  /**
   * Removes the {@code domain:} and {@code network:} bans on {@code values} (names, or networks in
   * CIDR form) that carry {@code reference}.
   *
   * @throws ConfigException when the blocklist is invalid now
   * @throws BlocklistEditException when the change cannot be made cleanly; nothing was written
   */
  public Change remove(Set<String> values, String reference)
      throws IOException, ConfigException, BlocklistEditException {
    Path target = file.toRealPath();
    byte[] before = Files.readAllBytes(target);
    Blocklist old = BlocklistLoader.load(target);
    BlocklistEdit.Removal removal = BlocklistEdit.remove(decode(before), values, reference);
    if (removal.removed().isEmpty()) {
      return new Change(file, 0, List.of(), List.of());
    }
    Predicate<Rule> gone =
        r ->
            (r.kind() == RuleKind.DOMAIN || r.kind() == RuleKind.NETWORK)
                && values.contains(r.value())
                && reference.equals(r.reference());
    int count = removal.removed().size();
    write(
        target,
        before,
        removal.text(),
        next ->
            next.bans().size() == old.bans().size() - count
                && next.bans().stream().noneMatch(gone));
    return new Change(file, 0, removal.removed(), List.of());
  }

  private Blocklist write(Path target, byte[] before, String edited, Predicate<Blocklist> intended)
      throws IOException, BlocklistEditException {
    Path staged = AtomicWrite.stage(target, edited.getBytes(StandardCharsets.UTF_8));
    try {
      Blocklist result;
      try {
        result = BlocklistLoader.load(staged);
      } catch (ConfigException e) {
        throw BlocklistText.layoutProblem(
            "the edited list would not load:\n" + describe(e.problems(), staged));
      }
      if (!intended.test(result)) {
        throw BlocklistText.layoutProblem("the edit would change more than the one entry");
      }
      if (!Arrays.equals(before, Files.readAllBytes(target))) {
        throw new BlocklistEditException(
            file + " changed while it was being edited; nothing was written, try again");
      }
      AtomicWrite.commit(staged, target);
      return new Blocklist(
          file,
          result.sha256(),
          result.writtenBans(),
          result.exceptions(),
          result.lists(),
          result.warnings().stream().map(w -> renamed(w, staged)).toList());
    } finally {
      Files.deleteIfExists(staged);
    }
  }

  /**
   * The loader's problems, told against the blocklist's name as configured rather than the
   * temporary or resolved file's.
   */
  private String describe(List<Problem> problems, Path loaded) {
    List<String> lines = new ArrayList<>();
    for (Problem p : problems) {
      lines.add("  " + renamed(p, loaded));
    }
    return String.join("\n", lines);
  }

  private Problem renamed(Problem p, Path loaded) {
    Source where = p.where();
    Path named = where.file().equals(loaded) ? file : where.file();
    return new Problem(new Source(named, where.line(), where.column()), p.message());
  }

  private String decode(byte[] bytes) throws BlocklistEditException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw BlocklistText.layoutProblem(file + " is not UTF-8 text");
    }
  }
}
