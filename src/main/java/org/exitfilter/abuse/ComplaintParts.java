package org.exitfilter.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.stream.Field;
import org.exitfilter.requests.mail.LenientMime;
import org.jsoup.Jsoup;

/**
 * The walk over a complaint's MIME parts, with Apache James mime4j configured as {@code requests}
 * reads ban requests ({@link LenientMime}): it finds the original message (an attached {@code
 * message/rfc822} or {@code text/rfc822-headers}, else headers quoted inline in the ISP's text),
 * the ARF machine part (RFC 5965, read with mime4j's header parser), the X-ARF JSON report (read
 * with Jackson), and the prose: the subject and the texts without a quoted original, HTML as its
 * text (jsoup). Of {@code multipart/alternative} only the plain text is read.
 *
 * <p>Nothing a mail contains is executed or fetched here.
 */
final class ComplaintParts {
  private static final int MAX_DEPTH = 12;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern QUOTED_HEADER_START =
      Pattern.compile("^(?:>\\s?)*(Received|Return-Path|Delivered-To):", Pattern.MULTILINE);

  private final boolean xarfHeader;
  private final List<String> texts = new ArrayList<>();
  private Message original;
  private Header arf;
  private JsonNode xarf;
  private String prose;

  private ComplaintParts(boolean xarfHeader) {
    this.xarfHeader = xarfHeader;
  }

  /**
   * The parts of {@code message}, whose subject, already on one line, starts the prose.
   *
   * @throws IOException when a part cannot be read
   */
  static ComplaintParts of(Message message, String subject) throws IOException {
    Field xarf = message.getHeader().getField("X-ARF");
    ComplaintParts parts =
        new ComplaintParts(xarf != null && "yes".equalsIgnoreCase(unfold(xarf.getBody())));
    parts.collect(message, 0);
    parts.prose = parts.prose(subject);
    return parts;
  }

  /** The original message, attached or quoted inline, or {@code null} when there is none. */
  Message original() {
    return original;
  }

  /** The header of the ARF machine part ({@code message/feedback-report}), or {@code null}. */
  Header arf() {
    return arf;
  }

  /** The X-ARF JSON report, or {@code null}. */
  JsonNode xarf() {
    return xarf;
  }

  /** The subject and the texts, without the quoted original; one line each at least. */
  String prose() {
    return prose;
  }

  private void collect(Entity entity, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      return;
    }
    Body body = entity.getBody();
    String type = entity.getMimeType().toLowerCase(Locale.ROOT);
    if (body instanceof Multipart multipart) {
      List<Entity> parts = multipart.getBodyParts();
      if ("alternative".equalsIgnoreCase(multipart.getSubType())) {
        Entity chosen =
            parts.stream()
                .filter(p -> p.getMimeType().equalsIgnoreCase("text/plain"))
                .findFirst()
                .orElse(parts.isEmpty() ? null : parts.get(0));
        if (chosen != null) {
          collect(chosen, depth + 1);
        }
      } else {
        for (Entity part : parts) {
          collect(part, depth + 1);
        }
      }
    } else if (body instanceof Message attached) {
      if (original == null) {
        original = attached;
      }
    } else if (type.equals("message/feedback-report") && body instanceof SingleBody single) {
      try (InputStream in = single.getInputStream()) {
        arf = LenientMime.messageBuilder().parseHeader(in);
      }
    } else if (type.equals("text/rfc822-headers") && body instanceof SingleBody single) {
      if (original == null) {
        original = parseOriginal(single.getInputStream().readAllBytes());
      }
    } else if (body instanceof TextBody text && !isAttachment(entity, type)) {
      String content = LenientMime.text(text);
      if (type.equals("application/json") || (xarfHeader && looksLikeJson(content))) {
        JsonNode node = parseJson(content);
        if (node != null && node.isObject() && xarf == null) {
          xarf = node;
          return;
        }
      }
      if (type.equals("text/plain")) {
        texts.add(content);
      } else if (type.equals("text/html")) {
        texts.add(Jsoup.parse(content).text());
      }
    } else if (body instanceof SingleBody single && type.equals("application/json")) {
      try (InputStream in = single.getInputStream()) {
        JsonNode node =
            parseJson(
                new String(in.readNBytes(LenientMime.MAX_PART_CHARS), StandardCharsets.UTF_8));
        if (node != null && node.isObject() && xarf == null) {
          xarf = node;
        }
      }
    }
  }

  /** The prose is what precedes a quoted original; the quoted headers are read as a message. */
  private String prose(String subject) throws IOException {
    StringBuilder out = new StringBuilder(subject == null ? "" : subject).append('\n');
    for (String text : texts) {
      Matcher quoted = QUOTED_HEADER_START.matcher(text);
      if (quoted.find()) {
        out.append(text, 0, quoted.start()).append('\n');
        if (original == null) {
          original = parseOriginal(unquote(text.substring(quoted.start())));
        }
      } else {
        out.append(text).append('\n');
      }
    }
    return out.toString();
  }

  private static boolean isAttachment(Entity entity, String type) {
    return "attachment".equalsIgnoreCase(entity.getDispositionType())
        && !type.equals("application/json");
  }

  private static boolean looksLikeJson(String text) {
    return text.strip().startsWith("{");
  }

  private static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static Message parseOriginal(byte[] bytes) throws IOException {
    try {
      Message message = LenientMime.messageBuilder().parseMessage(new ByteArrayInputStream(bytes));
      return message.getHeader().getFields().isEmpty() ? null : message;
    } catch (MimeIOException e) {
      return null;
    }
  }

  /** Quoted lines ({@code > } prefixes) back to a message, CRLF line ends. */
  private static byte[] unquote(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\r?\n", -1)) {
      out.append(line.replaceFirst("^(?:>\\s?)*", "")).append("\r\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A header field's value on one line. */
  static String unfold(String text) {
    return text.replaceAll("\r?\n[ \t]+", " ").trim();
  }
}
