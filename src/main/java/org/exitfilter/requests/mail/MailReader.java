package org.exitfilter.requests.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.message.DefaultMessageBuilder;

/**
 * Reads a mail (RFC 5322 with MIME) with Apache James mime4j: headers with encoded words in any
 * charset, multipart bodies, quoted-printable and base64, text/plain and text/html, and messages
 * forwarded as {@code message/rfc822} parts.
 *
 * <p>Permissive on purpose ({@link LenientMime}): real mail is often slightly broken, and a request
 * must not be lost because its mailer was sloppy. Of each {@code multipart/alternative} only the
 * plain-text version is read (the HTML one when there is no other); attached files are not read at
 * all, since a log or a list attached to a mail names many sites nobody asked to ban.
 */
public final class MailReader {
  /** Bigger files are not ban requests; the limit keeps a stray mbox from filling the memory. */
  static final int MAX_MAIL_BYTES = 25 * 1024 * 1024;

  /** Nesting of multiparts and forwarded messages followed; deeper parts are ignored. */
  private static final int MAX_DEPTH = 12;

  private final List<String> texts = new ArrayList<>();
  private String forwardedFrom;

  private MailReader() {}

  /**
   * Reads one mail.
   *
   * @throws IOException when the bytes are not a mail mime4j can make sense of at all
   */
  public static Mail read(byte[] bytes) throws IOException {
    if (bytes.length > MAX_MAIL_BYTES) {
      throw new IOException("larger than " + MAX_MAIL_BYTES / (1024 * 1024) + " MiB");
    }
    DefaultMessageBuilder builder = LenientMime.messageBuilder();
    Message message;
    try {
      message = builder.parseMessage(new ByteArrayInputStream(bytes));
    } catch (MimeIOException e) {
      // The cause's message may quote a header line of the mail; the class says enough.
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("not a readable mail (" + cause.getClass().getSimpleName() + ")");
    }
    try {
      if (message.getHeader() == null || message.getHeader().getFields().isEmpty()) {
        throw new IOException("not a mail: no header fields");
      }
      MailReader reader = new MailReader();
      String subject = Untrusted.oneLine(message.getSubject());
      if (subject != null) {
        reader.texts.add(subject);
      }
      reader.collect(message, 0);
      Mailbox from = first(message.getFrom());
      return new Mail(
          from == null ? null : Untrusted.oneLine(from.getAddress()),
          from == null ? null : Untrusted.oneLine(from.getName()),
          message.getDate() == null ? null : Instant.ofEpochMilli(message.getDate().getTime()),
          Untrusted.oneLine(message.getMessageId()),
          subject,
          reader.forwardedFrom,
          reader.texts,
          sha256(bytes),
          addresses(message.getTo()));
    } finally {
      message.dispose();
    }
  }

  private void collect(Entity entity, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      return;
    }
    Body body = entity.getBody();
    if (body instanceof Multipart multipart) {
      if ("alternative".equalsIgnoreCase(multipart.getSubType())) {
        Entity chosen = preferred(multipart.getBodyParts());
        if (chosen != null) {
          collect(chosen, depth + 1);
        }
      } else {
        for (Entity part : multipart.getBodyParts()) {
          collect(part, depth + 1);
        }
      }
    } else if (body instanceof Message forwarded) {
      // Forwarded "as attachment" or inline: either way it is what the request is about.
      Mailbox from = first(forwarded.getFrom());
      if (forwardedFrom == null && from != null) {
        forwardedFrom = Untrusted.oneLine(from.getAddress());
      }
      String subject = Untrusted.oneLine(forwarded.getSubject());
      if (subject != null) {
        texts.add(subject);
      }
      collect(forwarded, depth + 1);
    } else if (body instanceof TextBody text && !isAttachment(entity)) {
      String mimeType = entity.getMimeType().toLowerCase(Locale.ROOT);
      if (mimeType.equals("text/plain")) {
        texts.add(LenientMime.text(text));
      } else if (mimeType.equals("text/html")) {
        texts.add(HtmlText.of(LenientMime.text(text)));
      }
    }
  }

  /** Of the alternatives, the plain text; else the HTML; else the last (RFC 2046: the richest). */
  private static Entity preferred(List<Entity> parts) {
    Entity html = null;
    for (Entity part : parts) {
      String mimeType = part.getMimeType().toLowerCase(Locale.ROOT);
      if (mimeType.equals("text/plain")) {
        return part;
      }
      if (mimeType.equals("text/html") && html == null) {
        html = part;
      }
    }
    if (html != null) {
      return html;
    }
    return parts.isEmpty() ? null : parts.get(parts.size() - 1);
  }

  private static boolean isAttachment(Entity entity) {
    return "attachment".equalsIgnoreCase(entity.getDispositionType());
  }

  /** The addresses of a {@code To} field, groups flattened; unreadable entries left out. */
  private static List<String> addresses(AddressList list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      for (Mailbox mailbox : list.flatten()) {
        String address = Untrusted.oneLine(mailbox.getAddress());
        if (address != null) {
          out.add(address);
        }
      }
    }
    return out;
  }

  private static Mailbox first(MailboxList list) {
    return list == null || list.isEmpty() ? null : list.get(0);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
