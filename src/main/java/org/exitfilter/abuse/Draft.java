package org.exitfilter.abuse;

/**
 * A mail the desk proposes to send.
 *
 * @param to the recipient
 * @param cc the copy recipient, or {@code null}
 * @param subject the subject
 * @param body the text
 * @param attachOriginal whether the complaint's original message goes along as {@code
 *     message/rfc822}
 */
public record Draft(String to, String cc, String subject, String body, boolean attachOriginal) {}
