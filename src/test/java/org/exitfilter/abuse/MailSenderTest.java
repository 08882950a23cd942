package org.exitfilter.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.util.List;
import org.exitfilter.config.AbuseConfig;
import org.exitfilter.testing.StartTlsFront;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SMTP submission with STARTTLS. GreenMail 2.1 has no STARTTLS (its EHLO offers AUTH alone;
 * greenmail-mail-test/greenmail#135), so the sessions that upgrade go through {@link
 * StartTlsFront}, which adds STARTTLS in front of GreenMail's plain SMTP server on loopback.
 */
class MailSenderTest {
  static final Draft DRAFT =
      new Draft("abuse-desk@example.com", null, "Abuse: spam", "Please delete it.\n", false);

  GreenMail mail;

  @BeforeEach
  void startServer() {
    mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
  }

  @AfterEach
  void stopServer() {
    mail.stop();
  }

  static AbuseConfig.Smtp smtp(int port, boolean starttls) {
    return new AbuseConfig.Smtp("127.0.0.1", port, starttls, null, null);
  }

  @Test
  void withStarttlsTheMailGoesOverTlsAndArrives() throws Exception {
    try (StartTlsFront front = StartTlsFront.start(mail.getSmtp().getPort())) {
      new MailSender(
              smtp(front.port(), true),
              "abuse@exitnode-operator.example",
              front.clientContext().getSocketFactory())
          .send(List.of(DRAFT), null);
      assertThat(front.handshakes()).as("the session was switched to TLS").isEqualTo(1);
    }
    assertThat(mail.getReceivedMessages()).hasSize(1);
    assertThat(mail.getReceivedMessages()[0].getSubject()).isEqualTo("Abuse: spam");
  }

  @Test
  void withStarttlsAServerWithoutItGetsNothing() {
    MailSender sender =
        new MailSender(smtp(mail.getSmtp().getPort(), true), "abuse@exitnode-operator.example");
    assertThatThrownBy(() -> sender.send(List.of(DRAFT), null))
        .hasMessage(
            "SMTP submission to 127.0.0.1:"
                + mail.getSmtp().getPort()
                + " refused: the server does not offer STARTTLS, and starttls: true forbids"
                + " sending in clear; nothing was sent");
    assertThat(mail.getReceivedMessages()).as("nothing sent in clear").isEmpty();
  }

  @Test
  void withStarttlsACertificateTheJvmDoesNotTrustIsRefused() throws Exception {
    try (StartTlsFront front = StartTlsFront.start(mail.getSmtp().getPort())) {
      MailSender sender =
          new MailSender(smtp(front.port(), true), "abuse@exitnode-operator.example");
      assertThatThrownBy(() -> sender.send(List.of(DRAFT), null))
          .hasMessageStartingWith("SMTP submission to 127.0.0.1:" + front.port() + " failed:")
          .hasStackTraceContaining("PKIX path building failed");
    }
    assertThat(mail.getReceivedMessages()).isEmpty();
  }
}
