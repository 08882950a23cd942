package org.exitfilter.requests.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import org.exitfilter.requests.RequestException;
import org.exitfilter.requests.store.BanRequest.Candidate;
import org.exitfilter.requests.store.BanRequest.Event;
import org.exitfilter.requests.store.BanRequest.FoundIn;
import org.exitfilter.requests.store.BanRequest.Method;
import org.exitfilter.requests.store.BanRequest.Proof;
import org.exitfilter.requests.store.BanRequest.State;

/**
 * The YAML form of a {@link BanRequest}: one small file per request, keys in a fixed order and
 * every text double-quoted, so files diff well in git and read back exactly. Written by hand rather
 * than by a serializer so that the layout never shifts between versions.
 */
final class RequestFile {
  private static final YAMLMapper MAPPER = new YAMLMapper();
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

  static String write(BanRequest r) {
    StringBuilder out = new StringBuilder();
    out.append("# A ban request for exitfilter. Change it with `exitfilter requests ...`;\n");
    out.append("# the history at the end says what happened to it.\n");
    out.append("id: ").append(q(r.id())).append('\n');
    out.append("state: ").append(r.state().key()).append('\n');
    out.append("imported: ").append(q(r.imported().toString())).append('\n');
    optional(out, "sender", r.sender());
    optional(out, "sender-name", r.senderName());
    optional(out, "forwarded-from", r.forwardedFrom());
    optional(out, "sent", r.sent() == null ? null : r.sent().toString());
    optional(out, "message-id", r.messageId());
    out.append("message-sha256: ").append(q(r.messageSha256())).append('\n');
    optional(out, "subject", r.subject());
    out.append("candidates:");
    if (r.candidates().isEmpty()) {
      out.append(" []");
    }
    out.append('\n');
    for (Candidate c : r.candidates()) {
      out.append("  - name: ").append(q(c.name())).append('\n');
      out.append("    found-in: ").append(c.foundIn().key()).append('\n');
    }
    stringList(out, "attention", r.attention());
    out.append("token: ").append(q(r.token())).append('\n');
    out.append("proofs:");
    if (r.proofs().isEmpty()) {
      out.append(" []");
    }
    out.append('\n');
    for (Proof p : r.proofs()) {
      out.append("  - name: ").append(q(p.name())).append('\n');
      out.append("    method: ").append(p.method().key()).append('\n');
      out.append("    checked: ").append(q(p.checked().toString())).append('\n');
      out.append("    detail: ").append(q(p.detail())).append('\n');
    }
    stringList(out, "banned", r.banned());
    if (r.forced()) {
      out.append("forced: true\n");
    }
    out.append("history:\n");
    for (Event e : r.history()) {
      out.append("  - at: ").append(q(e.at().toString())).append('\n');
      out.append("    action: ").append(q(e.action())).append('\n');
      out.append("    note: ").append(q(e.note())).append('\n');
    }
    return out.toString();
  }

  private static String q(String text) {
    return org.exitfilter.config.YamlStrings.quote(text);
  }

  private static void optional(StringBuilder out, String key, String value) {
    if (value != null) {
      out.append(key).append(": ").append(q(value)).append('\n');
    }
  }

  private static void stringList(StringBuilder out, String key, List<String> values) {
    out.append(key).append(':');
    if (values.isEmpty()) {
      out.append(" []");
    }
    out.append('\n');
    for (String value : values) {
      out.append("  - ").append(q(value)).append('\n');
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
