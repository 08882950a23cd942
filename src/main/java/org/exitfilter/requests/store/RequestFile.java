package org.exitfilter.requests.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.exitfilter.config.YamlWriter;
import org.exitfilter.requests.RequestException;
import org.exitfilter.requests.store.BanRequest.Candidate;
import org.exitfilter.requests.store.BanRequest.Event;
import org.exitfilter.requests.store.BanRequest.FoundIn;
import org.exitfilter.requests.store.BanRequest.Method;
import org.exitfilter.requests.store.BanRequest.Proof;
import org.exitfilter.requests.store.BanRequest.State;

/**
 * The YAML form of a {@link BanRequest}: one small file per request, keys in a fixed order and
 * every text double-quoted, so files diff well in git and read back exactly. Written with Jackson
 * through {@link YamlWriter} (the keywords of {@code state}, {@code found-in} and {@code method}
 * plain); read field by field from Jackson's tree so that every problem of a hand-edited file is
 * reported at once.
 */
final class RequestFile {
  private static final YAMLMapper MAPPER = new YAMLMapper();

  private static final String HEADER =
      "# A ban request for exitfilter. Change it with `exitfilter requests ...`;\n"
          + "# the history at the end says what happened to it.\n";

  /** The keys whose values are keywords, written without quotes. */
  private static final Set<String> PLAIN_KEYS = Set.of("state", "found-in", "method");

  private static final Set<String> KEYS =
      Set.of(
          "id",
          "state",
          "imported",
          "sender",
          "sender-name",
          "forwarded-from",
          "sent",
          "message-id",
          "message-sha256",
          "subject",
          "candidates",
          "attention",
          "token",
          "proofs",
          "banned",
          "forced",
          "history");

  private RequestFile() {}

  /** The file's text: a comment saying what it is, then the request as YAML. */
  static String write(BanRequest r) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("id", r.id());
    root.put("state", r.state().key());
    root.put("imported", r.imported().toString());
    putIfPresent(root, "sender", r.sender());
    putIfPresent(root, "sender-name", r.senderName());
    putIfPresent(root, "forwarded-from", r.forwardedFrom());
    putIfPresent(root, "sent", r.sent() == null ? null : r.sent().toString());
    putIfPresent(root, "message-id", r.messageId());
    root.put("message-sha256", r.messageSha256());
    putIfPresent(root, "subject", r.subject());
    ArrayNode candidates = root.putArray("candidates");
    for (Candidate c : r.candidates()) {
      candidates.addObject().put("name", c.name()).put("found-in", c.foundIn().key());
    }
    r.attention().forEach(root.putArray("attention")::add);
    root.put("token", r.token());
    ArrayNode proofs = root.putArray("proofs");
    for (Proof p : r.proofs()) {
      proofs
          .addObject()
          .put("name", p.name())
          .put("method", p.method().key())
          .put("checked", p.checked().toString())
          .put("detail", p.detail());
    }
    r.banned().forEach(root.putArray("banned")::add);
    if (r.forced()) {
      root.put("forced", true);
    }
    ArrayNode history = root.putArray("history");
    for (Event e : r.history()) {
      history
          .addObject()
          .put("at", e.at().toString())
          .put("action", e.action())
          .put("note", e.note());
    }
    return HEADER + YamlWriter.write(root, PLAIN_KEYS);
  }

  private static void putIfPresent(ObjectNode node, String key, String value) {
    if (value != null) {
      node.put(key, value);
    }
  }

  /**
   * Reads a request file, reporting every problem at once.
   *
   * @throws RequestException {@link RequestException.Kind#INVALID_FILE} naming the file and each
   *     problem
   */
  static BanRequest read(Path file, String text) throws RequestException {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new RequestException(
          RequestException.Kind.INVALID_FILE,
          file + ": not readable as YAML: " + e.getOriginalMessage().replaceAll("\\s+", " "));
    }
    Reader reader = new Reader(file);
    BanRequest request = reader.request(root);
    if (!reader.problems.isEmpty()) {
      throw new RequestException(
          RequestException.Kind.INVALID_FILE, String.join("\n", reader.problems));
    }
    return request;
  }

  /** Reads the fields one by one, collecting problems instead of stopping at the first. */
  private static final class Reader {
    private final Path file;
    private final List<String> problems = new ArrayList<>();

    Reader(Path file) {
      this.file = file;
    }

    BanRequest request(JsonNode root) {
      if (root == null || !root.isObject()) {
        problem("", "a request file is a mapping of keys such as id: and state:");
        return null;
      }
      for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
        String key = names.next();
        if (!KEYS.contains(key)) {
          problem(key, "unknown key");
        }
      }
      String id = text(root, "id", true);
      State state = enumValue(root, "state", State.class, true);
      Instant imported = instant(root, "imported", true);
      String sender = text(root, "sender", false);
      String senderName = text(root, "sender-name", false);
      String forwardedFrom = text(root, "forwarded-from", false);
      Instant sent = instant(root, "sent", false);
      String messageId = text(root, "message-id", false);
      String sha256 = text(root, "message-sha256", true);
      String subject = text(root, "subject", false);
      List<Candidate> candidates = list(root, "candidates", this::candidate);
      List<String> attention = list(root, "attention", this::textItem);
      String token = text(root, "token", true);
      List<Proof> proofs = list(root, "proofs", this::proof);
      List<String> banned = list(root, "banned", this::textItem);
      boolean forced = root.path("forced").asBoolean(false);
      List<Event> history = list(root, "history", this::event);
      if (id != null && !file.getFileName().toString().equals(id + ".yaml")) {
        problem("id", "'" + id + "' does not match the file name");
      }
      if (!problems.isEmpty()) {
        return null;
      }
      return new BanRequest(
          id,
          state,
          imported,
          sender,
          senderName,
          forwardedFrom,
          sent,
          messageId,
          sha256,
          subject,
          candidates,
          attention,
          token,
          proofs,
          banned,
          forced,
          history);
    }

    private Candidate candidate(JsonNode n) {
      String name = text(n, "name", true);
      FoundIn foundIn = enumValue(n, "found-in", FoundIn.class, true);
      return name == null || foundIn == null ? null : new Candidate(name, foundIn);
    }

    private Proof proof(JsonNode n) {
      String name = text(n, "name", true);
      Method method = enumValue(n, "method", Method.class, true);
      Instant checked = instant(n, "checked", true);
      String detail = text(n, "detail", true);
      return name == null || method == null || checked == null || detail == null
          ? null
          : new Proof(name, method, checked, detail);
    }

    private Event event(JsonNode n) {
      Instant at = instant(n, "at", true);
      String action = text(n, "action", true);
      String note = text(n, "note", true);
      return at == null || action == null || note == null ? null : new Event(at, action, note);
    }

    private String text(JsonNode node, String key, boolean required) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        if (required) {
          problem(key, "missing");
        }
        return null;
      }
      if (!value.isValueNode()) {
        problem(key, "must be a single value");
        return null;
      }
      return value.asText();
    }

    private String textItem(JsonNode node) {
      if (!node.isValueNode() || node.isNull()) {
        problem("", "a list item must be a single value");
        return null;
      }
      return node.asText();
    }

    private Instant instant(JsonNode node, String key, boolean required) {
      String text = text(node, key, required);
      if (text == null) {
        return null;
      }
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        problem(key, "not a UTC time such as 2026-11-25T14:32:10Z: " + text);
        return null;
      }
    }

    private <E extends Enum<E>> E enumValue(
        JsonNode node, String key, Class<E> type, boolean required) {
      String text = text(node, key, required);
      if (text == null) {
        return null;
      }
      try {
        return Enum.valueOf(type, text.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
          allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        problem(key, "'" + text + "' is not one of " + String.join(", ", allowed));
        return null;
      }
    }

    private <T> List<T> list(JsonNode root, String key, Function<JsonNode, T> item) {
      JsonNode value = root.get(key);
      List<T> out = new ArrayList<>();
      if (value == null || value.isNull()) {
        return out;
      }
      if (!value.isArray()) {
        problem(key, "must be a list");
        return out;
      }
      for (JsonNode node : value) {
        if (node.isArray()) {
          problem(key, "unexpected nested list");
          continue;
        }
        T t = item.apply(node);
        if (t != null) {
          out.add(t);
        }
      }
      return out;
    }

    private void problem(String key, String message) {
      problems.add(file + (key.isEmpty() ? "" : ": " + key) + ": " + message);
    }
  }
}
