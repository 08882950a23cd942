package org.exitfilter.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.Field;
import org.exitfilter.requests.mail.LenientMime;
import org.exitfilter.requests.mail.Untrusted;

/**
 * Reads a complaint into a {@link Complaint}: its parts come from {@link ComplaintParts} (the
 * original, the ARF and X-ARF reports, the prose), its kind and language from {@link
 * ComplaintKinds}; here the reported address and the provider are settled. The right {@code
 * Received:} hop ({@link ReceivedHop}) of the original is the one whose client is one of the exit's
 * addresses: its {@code by} host is the provider, and other {@code with HTTP} hops are decoys.
 *
 * <p>Nothing a mail contains is executed or fetched here.
 */
final class ComplaintReader {
  static final int MAX_MAIL_BYTES = 25 * 1024 * 1024;

  private static final Pattern TICKET = Pattern.compile("\\[[^\\[\\]\\s]*#\\s*[^\\[\\]\\s]+\\]");
  private static final Pattern URL_HOST =
      Pattern.compile("https?://([A-Za-z0-9.-]+\\.[A-Za-z]{2,63})", Pattern.CASE_INSENSITIVE);

  private final Set<InetAddress> ours;

  private ComplaintReader(Set<InetAddress> ours) {
    this.ours = ours;
  }

  /** Reads a complaint; an unreadable one comes back with {@link Complaint#problem()} set. */
  static Complaint read(byte[] bytes, Set<InetAddress> ours) {
    String digest = "<sha256-" + sha256(bytes).substring(0, 32) + "@unreadable>";
    if (bytes.length > MAX_MAIL_BYTES) {
      return unreadable(digest, "larger than " + MAX_MAIL_BYTES / (1024 * 1024) + " MiB");
    }
    Message message;
    try {
      message = LenientMime.messageBuilder().parseMessage(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      return unreadable(digest, "not a readable mail (" + e.getClass().getSimpleName() + ")");
    }
    try {
      if (message.getHeader() == null || message.getHeader().getFields().isEmpty()) {
        return unreadable(digest, "not a mail: no header fields");
      }
      return new ComplaintReader(ours).analyse(message, digest);
    } catch (IOException | RuntimeException e) {
      return unreadable(digest, "a part could not be read (" + e.getClass().getSimpleName() + ")");
    } finally {
      message.dispose();
    }
  }

  private static Complaint unreadable(String messageId, String problem) {
    return new Complaint(
        messageId,
        null,
        null,
        null,
        Kind.OTHER,
        Format.PLAIN,
        null,
        null,
        null,
        null,
        null,
        null,
        false,
        null,
        problem);
  }

  private Complaint analyse(Message message, String digest) throws IOException {
    String subject = Untrusted.oneLine(message.getSubject());
    Mailbox from = first(message.getFrom());
    String complainant = from == null ? null : Untrusted.oneLine(from.getAddress());
    String messageId = Untrusted.oneLine(message.getMessageId());
    Instant sent = message.getDate() == null ? null : message.getDate().toInstant();

    ComplaintParts parts = ComplaintParts.of(message, subject);
    Message original = parts.original();
    Header arf = parts.arf();
    JsonNode xarf = parts.xarf();
    String prose = parts.prose();
    String lower = prose.toLowerCase(Locale.ROOT);

    Format format;
    Kind kind = null;
    InetAddress reported = null;
    Instant reportedAt = null;
    if (arf != null) {
      format = Format.ARF;
      String type = value(arf, "Feedback-Type");
      kind = type == null ? null : ComplaintKinds.arf(type.trim().toLowerCase(Locale.ROOT));
      reported = IpLiterals.ip(value(arf, "Source-IP"));
      reportedAt = date(value(arf, "Arrival-Date"));
    } else if (xarf != null) {
      format = Format.XARF;
      String type = text(xarf, "Report-Type", "ReportType", "Category");
      kind = type == null ? null : ComplaintKinds.xarf(type.toLowerCase(Locale.ROOT));
      reported = IpLiterals.ip(text(xarf, "Source", "Source-IP"));
      reportedAt = date(text(xarf, "Date", "Arrival-Date"));
      if (reportedAt == null) {
        reportedAt = isoDate(text(xarf, "Date", "Arrival-Date"));
      }
    } else {
      format = original != null ? Format.ISP_FORWARD : Format.PLAIN;
    }

    String providerHost = null;
    if (original != null) {
      for (Field field : original.getHeader().getFields("Received")) {
        ReceivedHop hop = ReceivedHop.parse(ComplaintParts.unfold(field.getBody()));
        InetAddress client = hop.clientIn(ours);
        if (client != null && (reported == null || reported.equals(client))) {
          providerHost = hop.by();
          reported = client;
          if (reportedAt == null) {
            reportedAt = date(hop.date());
          }
          break;
        }
      }
    }
    if (reported == null) {
      reported = firstAddress(prose);
    }
    if (kind == null) {
      kind = ComplaintKinds.byKeywords(lower, original != null);
    }
    if (reportedAt == null && original != null && original.getDate() != null) {
      reportedAt = original.getDate().toInstant();
    }
    String ticket = null;
    if (subject != null) {
      Matcher m = TICKET.matcher(subject);
      ticket = m.find() ? m.group() : null;
    }
    String cc = format == Format.ISP_FORWARD ? ispAddress(message, complainant) : null;
    String banCandidate =
        kind == Kind.BRUTE_FORCE || kind == Kind.BAN_REQUEST || lower.contains("forum")
            ? site(prose, complainant)
            : null;
    return new Complaint(
        messageId != null ? messageId : digest,
        subject,
        complainant,
        sent,
        kind,
        format,
        reported,
        reportedAt,
        providerHost == null ? null : Untrusted.oneLine(providerHost),
        cc,
        ticket,
        banCandidate,
        ComplaintKinds.isGerman(lower),
        original == null ? null : bytes(original),
        null);
  }

  /** The ISP's address: its Reply-To when it set one, else its From. */
  private static String ispAddress(Message message, String from) {
    var replyTo = message.getReplyTo();
    if (replyTo != null && !replyTo.flatten().isEmpty()) {
      return Untrusted.oneLine(replyTo.flatten().get(0).getAddress());
    }
    return from;
  }

  private static String site(String prose, String complainant) {
    Matcher m = URL_HOST.matcher(prose);
    if (m.find()) {
      return m.group(1).toLowerCase(Locale.ROOT);
    }
    int at = complainant == null ? -1 : complainant.lastIndexOf('@');
    return at < 0 ? null : complainant.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  private static byte[] bytes(Message message) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DefaultMessageWriter().writeMessage(message, out);
    return out.toByteArray();
  }

  private static String value(Header header, String name) {
    Field field = header.getField(name);
    return field == null ? null : ComplaintParts.unfold(field.getBody());
  }

  private static String text(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && value.isTextual()) {
        return value.asText();
      }
    }
    return null;
  }

  private static Mailbox first(MailboxList list) {
    return list == null || list.isEmpty() ? null : list.get(0);
  }

  private InetAddress firstAddress(String prose) {
    List<InetAddress> found = IpLiterals.addresses(prose);
    for (InetAddress a : found) {
      if (ours.contains(a)) {
        return a;
      }
    }
    return found.isEmpty() ? null : found.get(0);
  }

  static Instant date(String text) {
    if (text == null) {
      return null;
    }
    String t = text.replaceAll("\\([^)]*\\)", "").trim().replaceAll("\\s+", " ");
    try {
      return ZonedDateTime.parse(t, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return isoDate(t);
    }
  }

  private static Instant isoDate(String text) {
    if (text == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
