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
public record Draft(String to, String cc, String subject, String body, boolean attachOriginal) {
  /**
   * @throws IllegalArgumentException when a value that becomes a header holds a line break or
   *     another control character: no header of a draft can carry a second one
   */
  public Draft {
    oneLine("to", to);
    oneLine("cc", cc);
    oneLine("subject", subject);
  }

  private static void oneLine(String header, String value) {
    if (value != null
        && value
            .codePoints()
            .anyMatch(
                c -> Character.getType(c) == Character.CONTROL || c == 0x2028 || c == 0x2029)) {
      throw new IllegalArgumentException(
          "the draft's " + header + " holds a line break or control character; refused");
    }
  }
}
