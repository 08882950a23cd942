package org.exitfilter.abuse;

import java.util.Locale;

/** How a complaint reached the desk; {@link #wire()} is the name in files and JSON. */
public enum Format {
  /** The hosting ISP forwarded a complaint, the original attached or quoted. */
  ISP_FORWARD,
  /** RFC 5965 Abuse Reporting Format. */
  ARF,
  /** X-ARF, with its JSON report part. */
  XARF,
  /** Prose only, no original message. */
  PLAIN;

  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace("_", "-");
  }

  static Format ofWire(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
