package org.exitfilter.abuse;

import java.util.Locale;

/** What a complaint is about; {@link #wire()} is the name in files and JSON. */
public enum Kind {
  SPAM,
  BRUTE_FORCE,
  COPYRIGHT,
  DNSBL_LISTING,
  LEGAL,
  BAN_REQUEST,
  OTHER;

  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Kind ofWire(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
