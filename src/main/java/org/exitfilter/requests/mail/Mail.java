package org.exitfilter.requests.mail;

import java.time.Instant;
import java.util.List;

/**
 * What a ban request mail says, as far as the workflow needs it. The header texts are already
 * {@linkplain Untrusted#oneLine cleaned}; {@code texts} are not, and are never stored or printed:
 * only the names {@link CandidateFinder} finds in them are kept.
 *
 * @param sender the first {@code From} address, or {@code null}
 * @param senderName its display name, or {@code null}
 * @param sent the {@code Date}, or {@code null}
 * @param messageId the {@code Message-ID} with its angle brackets, or {@code null}
 * @param subject the decoded subject, or {@code null}
 * @param forwardedFrom the {@code From} address of the first forwarded message inside, or {@code
 *     null}
 * @param texts what to look for names in: the subject, then each readable body part (HTML turned
 *     into its text and its links), forwarded messages included
 * @param sha256 hex SHA-256 of the raw mail
 * @param recipients the {@code To} addresses of the mail itself (not of a message forwarded inside
 *     it): the operator's own addresses, whose domains are never a site to ban
 */
public record Mail(
    String sender,
    String senderName,
    Instant sent,
    String messageId,
    String subject,
    String forwardedFrom,
    List<String> texts,
    String sha256,
    List<String> recipients) {

  public Mail {
    texts = List.copyOf(texts);
    recipients = List.copyOf(recipients);
  }

  /** A mail whose recipients are not known. */
  public Mail(
      String sender,
      String senderName,
      Instant sent,
      String messageId,
      String subject,
      String forwardedFrom,
      List<String> texts,
      String sha256) {
    this(sender, senderName, sent, messageId, subject, forwardedFrom, texts, sha256, List.of());
  }
}
