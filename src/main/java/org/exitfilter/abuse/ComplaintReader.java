package org.exitfilter.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.exitfilter.net.IpNetwork;
import org.exitfilter.requests.mail.Untrusted;
import org.jsoup.Jsoup;

/**
 * Reads a complaint with Apache James mime4j, configured as {@code requests} reads ban requests
 * (permissive, silent decoding, lenient fields): finds the original message (an attached {@code
 * message/rfc822}, headers quoted inline in the ISP's text, or the one inside an ARF or X-ARF
 * report), reads the ARF machine part with mime4j's header parser and the X-ARF report with
 * Jackson, and picks the {@code Received:} hop whose client is one of the exit's addresses.
 *
 * <p>Nothing a mail contains is executed or fetched here.
 *
 * <p>Over 400 lines, and due for a split (issue 10's rule): finding the original, reading ARF and
 * X-ARF, classifying and picking the hop share one pass over the mail's parts today. The seams are
 * {@link #analyse} (the hop and the addresses), {@link #keywordKind} (the classification) and
 * {@link #collect} (the walk over the parts).
 */
final class ComplaintReader {
  static final int MAX_MAIL_BYTES = 25 * 1024 * 1024;
  private static final int MAX_DEPTH = 12;
  private static final int MAX_PART_CHARS = 1_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern IPV4 =
      Pattern.compile("(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\d.]*\\d)");
  private static final Pattern IPV6 =
      Pattern.compile("(?<![\\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\\w:])");
  private static final Pattern TICKET = Pattern.compile("\\[[^\\[\\]\\s]*#\\s*[^\\[\\]\\s]+\\]");
  private static final Pattern URL_HOST =
      Pattern.compile("https?://([A-Za-z0-9.-]+\\.[A-Za-z]{2,63})", Pattern.CASE_INSENSITIVE);
  private static final Pattern QUOTED_HEADER_START =
      Pattern.compile("^(?:>\\s?)*(Received|Return-Path|Delivered-To):", Pattern.MULTILINE);

  private final Set<InetAddress> ours;
  private final List<String> texts = new ArrayList<>();
  private Message original;
  private Header arf;
  private JsonNode xarf;
  private boolean xarfHeader;

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
      message = builder().parseMessage(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      return unreadable(digest, "not a readable mail (" + e.getClass().getSimpleName() + ")");
    }
    try {
      if (message.getHeader() == null || message.getHeader().getFields().isEmpty()) {
        return unreadable(digest, "not a mail: no header fields");
      }
      ComplaintReader reader = new ComplaintReader(ours);
      reader.xarfHeader = "yes".equalsIgnoreCase(value(message.getHeader(), "X-ARF"));
      reader.collect(message, 0);
      return reader.analyse(message, digest);
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

  static DefaultMessageBuilder builder() {
    DefaultMessageBuilder builder = new DefaultMessageBuilder();
    builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
    builder.setDecodeMonitor(DecodeMonitor.SILENT);
    builder.setFieldParser(LenientFieldParser.getParser());
    builder.setBodyFactory(new BasicBodyFactory(true));
    return builder;
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
        arf = builder().parseHeader(in);
      }
    } else if (type.equals("text/rfc822-headers") && body instanceof SingleBody single) {
      if (original == null) {
        original = parseOriginal(single.getInputStream().readAllBytes());
      }
    } else if (body instanceof TextBody text && !isAttachment(entity, type)) {
      String content = read(text);
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
            parseJson(new String(in.readNBytes(MAX_PART_CHARS), StandardCharsets.UTF_8));
        if (node != null && node.isObject() && xarf == null) {
          xarf = node;
        }
      }
    }
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

  private Complaint analyse(Message message, String digest) throws IOException {
    String subject = Untrusted.oneLine(message.getSubject());
    Mailbox from = first(message.getFrom());
    String complainant = from == null ? null : Untrusted.oneLine(from.getAddress());
    String messageId = Untrusted.oneLine(message.getMessageId());
    Instant sent = message.getDate() == null ? null : message.getDate().toInstant();

    // The prose is what precedes a quoted original; the quoted headers are read as a message.
    StringBuilder prose = new StringBuilder(subject == null ? "" : subject).append('\n');
    for (String text : texts) {
      Matcher quoted = QUOTED_HEADER_START.matcher(text);
      if (quoted.find()) {
        prose.append(text, 0, quoted.start()).append('\n');
        if (original == null) {
          original = parseOriginal(unquote(text.substring(quoted.start())));
        }
      } else {
        prose.append(text).append('\n');
      }
    }
    String lower = prose.toString().toLowerCase(Locale.ROOT);

    Format format;
    Kind kind = null;
    InetAddress reported = null;
    Instant reportedAt = null;
    if (arf != null) {
      format = Format.ARF;
      String type = value(arf, "Feedback-Type");
      kind = type == null ? null : arfKind(type.trim().toLowerCase(Locale.ROOT));
      reported = ip(value(arf, "Source-IP"));
      reportedAt = date(value(arf, "Arrival-Date"));
    } else if (xarf != null) {
      format = Format.XARF;
      String type = text(xarf, "Report-Type", "ReportType", "Category");
      kind = type == null ? null : xarfKind(type.toLowerCase(Locale.ROOT));
      reported = ip(text(xarf, "Source", "Source-IP"));
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
        Hop hop = Hop.parse(unfold(field.getBody()));
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
      reported = firstAddress(prose.toString());
    }
    if (kind == null) {
      kind = keywordKind(lower, original != null);
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
            ? site(prose.toString(), complainant)
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
        isGerman(lower),
        original == null ? null : bytes(original),
        null);
  }

  private static Kind arfKind(String type) {
    return switch (type) {
      case "abuse", "fraud" -> Kind.SPAM;
      default -> Kind.OTHER;
    };
  }

  private static Kind xarfKind(String type) {
    if (type.contains("spam")) {
      return Kind.SPAM;
    }
    if (type.contains("login") || type.contains("brute")) {
      return Kind.BRUTE_FORCE;
    }
    if (type.contains("copyright") || type.contains("dmca")) {
      return Kind.COPYRIGHT;
    }
    return Kind.OTHER;
  }

  /** Order matters: a police inquiry about spam is legal mail first. */
  static Kind keywordKind(String lower, boolean hasOriginal) {
    if (containsAny(
        lower,
        "polizei",
        "staatsanwaltschaft",
        "police",
        "prosecutor",
        "law enforcement",
        "subpoena",
        "court order",
        "ermittlungsverfahren",
        "auskunftsersuchen",
        "gerichtsbeschluss")) {
      return Kind.LEGAL;
    }
    if (containsAny(lower, "copyright", "dmca", "urheberrecht", "infringement")) {
      return Kind.COPYRIGHT;
    }
    if (containsAny(
        lower, "dnsbl", "blacklisted", "is listed", "listed in", "listed on", "gelistet")) {
      return Kind.DNSBL_LISTING;
    }
    if (containsAny(
        lower,
        "block anonymous",
        "stop anonymous",
        "ban our",
        "block access",
        "anonyme zugriffe",
        "anonymen zugriff",
        "bitte sperren",
        "sperren sie")) {
      return Kind.BAN_REQUEST;
    }
    if (containsAny(
        lower, "brute", "login attempts", "failed login", "anmeldeversuche", "password guessing")) {
      return Kind.BRUTE_FORCE;
    }
    if (hasOriginal || containsAny(lower, "spam", "unsolicited", "unerwünscht")) {
      return Kind.SPAM;
    }
    return Kind.OTHER;
  }

  private static boolean containsAny(String text, String... words) {
    for (String word : words) {
      if (text.contains(word)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isGerman(String lower) {
    int de =
        count(
            lower,
            " und ",
            " der ",
            " die ",
            " das ",
            " nicht ",
            " wir ",
            " ihre ",
            " ihr ",
            "sehr geehrte",
            " bitte ");
    int en = count(lower, " and ", " the ", " not ", " we ", " your ", " please ", "dear ");
    return de > en;
  }

  private static int count(String text, String... words) {
    int n = 0;
    for (String word : words) {
      for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
        n++;
      }
    }
    return n;
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

  private static Message parseOriginal(byte[] bytes) throws IOException {
    try {
      Message message = builder().parseMessage(new ByteArrayInputStream(bytes));
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

  private static byte[] bytes(Message message) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DefaultMessageWriter().writeMessage(message, out);
    return out.toByteArray();
  }

  private static String unfold(String text) {
    return text.replaceAll("\r?\n[ \t]+", " ").trim();
  }

  private static String value(Header header, String name) {
    Field field = header.getField(name);
    return field == null ? null : unfold(field.getBody());
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

  static InetAddress ip(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.regionMatches(true, 0, "IPv6:", 0, 5)) {
      t = t.substring(5);
    }
    if (t.isEmpty() || t.indexOf('/') >= 0 || !(t.indexOf('.') > 0 || t.indexOf(':') >= 0)) {
      return null;
    }
    try {
      return IpNetwork.parse(t).address();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Every IP literal in the text, in order. */
  static List<InetAddress> addresses(String text) {
    List<InetAddress> out = new ArrayList<>();
    for (Pattern p : List.of(IPV4, IPV6)) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        InetAddress a = ip(m.group());
        if (a != null) {
          out.add(a);
        }
      }
    }
    return out;
  }

  private InetAddress firstAddress(String prose) {
    List<InetAddress> found = addresses(prose);
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

  private static String read(TextBody body) throws IOException {
    StringBuilder out = new StringBuilder();
    char[] buffer = new char[8192];
    try (Reader reader = body.getReader()) {
      int n;
      while (out.length() < MAX_PART_CHARS && (n = reader.read(buffer)) > 0) {
        out.append(buffer, 0, Math.min(n, MAX_PART_CHARS - out.length()));
      }
    }
    return out.toString();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * One {@code Received:} field: {@code from CLIENT (COMMENT) by HOST with PROTOCOL ...; DATE}.
   *
   * @param from the from clause, comments included, where the client's addresses are
   * @param by the receiving host, or {@code null}
   * @param date the text after the last semicolon, or {@code null}
   */
  record Hop(String from, String by, String date) {
    private static final Pattern BY = Pattern.compile("(?i)(?:^|\\s)by\\s+([^\\s;()]+)");

    static Hop parse(String text) {
      int semicolon = text.lastIndexOf(';');
      String date = semicolon < 0 ? null : text.substring(semicolon + 1).trim();
      String clauses = semicolon < 0 ? text : text.substring(0, semicolon);
      Matcher by = BY.matcher(clauses);
      String from = by.find() ? clauses.substring(0, by.start()) : clauses;
      return new Hop(from, by.find(0) ? by.group(1) : null, date);
    }

    /** The first client address in the from clause that is one of {@code ours}, or null. */
    InetAddress clientIn(Set<InetAddress> ours) {
      for (InetAddress a : addresses(from)) {
        if (ours.contains(a)) {
          return a;
        }
      }
      return null;
    }
  }
}
