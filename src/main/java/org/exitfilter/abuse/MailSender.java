package org.exitfilter.abuse;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.exitfilter.config.AbuseConfig;

/**
 * Sends drafts by SMTP submission with Angus Mail (Jakarta Mail). With {@code starttls: true} the
 * session requires STARTTLS, checks the server's certificate and name, and refuses to go on in
 * clear text: a server that does not offer STARTTLS gets nothing, not even the password.
 */
final class MailSender {
  private final AbuseConfig.Smtp smtp;
  private final String from;
  private final SSLSocketFactory tls;

  MailSender(AbuseConfig.Smtp smtp, String from) {
    this(smtp, from, null);
  }

  /**
   * @param tls the TLS sockets for STARTTLS, trusting a test's own certificate; {@code null} for
   *     the JVM's defaults (its trust store)
   */
  MailSender(AbuseConfig.Smtp smtp, String from, SSLSocketFactory tls) {
    this.smtp = smtp;
    this.from = from;
    this.tls = tls;
  }

  /** Sends every draft in one connection; the original goes along where the draft says so. */
  void send(List<Draft> drafts, byte[] original) throws IOException {
    Properties p = new Properties();
    p.put("mail.smtp.host", smtp.host());
    p.put("mail.smtp.port", String.valueOf(smtp.port()));
    p.put("mail.smtp.starttls.enable", String.valueOf(smtp.starttls()));
    p.put("mail.smtp.starttls.required", String.valueOf(smtp.starttls()));
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    if (tls != null) {
      p.put("mail.smtp.ssl.socketFactory", tls);
    }
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "30000");
    p.put("mail.smtp.writetimeout", "30000");
    String password = null;
    if (smtp.username() != null) {
      p.put("mail.smtp.auth", "true");
      password =
          smtp.passwordFile() == null
              ? ""
              : Files.readAllLines(smtp.passwordFile()).stream().findFirst().orElse("");
    }
    Session session = Session.getInstance(p);
    try (Transport transport = session.getTransport("smtp")) {
      transport.connect(smtp.host(), smtp.port(), smtp.username(), password);
      for (Draft draft : drafts) {
        MimeMessage message = build(session, draft, original);
        transport.sendMessage(message, message.getAllRecipients());
      }
    } catch (MessagingException e) {
      String where = smtp.host() + ":" + smtp.port();
      if (smtp.starttls() && String.valueOf(e.getMessage()).contains("does not support STARTTLS")) {
        throw new IOException(
            "SMTP submission to "
                + where
                + " refused: the server does not offer STARTTLS, and starttls: true forbids"
                + " sending in clear; nothing was sent",
            e);
      }
      throw new IOException("SMTP submission to " + where + " failed: " + e.getMessage(), e);
    }
  }

  private MimeMessage build(Session session, Draft draft, byte[] original)
      throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(from));
    message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(draft.to()));
    if (draft.cc() != null) {
      message.setRecipients(Message.RecipientType.CC, InternetAddress.parse(draft.cc()));
    }
    message.setSubject(draft.subject(), "UTF-8");
    message.setSentDate(new Date());
    if (draft.attachOriginal() && original != null) {
      MimeBodyPart text = new MimeBodyPart();
      text.setText(draft.body(), "UTF-8");
      MimeBodyPart attached = new MimeBodyPart();
      attached.setDataHandler(new DataHandler(new ByteArrayDataSource(original, "message/rfc822")));
      attached.setFileName("complaint.eml");
      message.setContent(new MimeMultipart(text, attached));
    } else {
      message.setText(draft.body(), "UTF-8");
    }
    message.saveChanges();
    return message;
  }
}
