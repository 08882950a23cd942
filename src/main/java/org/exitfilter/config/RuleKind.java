package org.exitfilter.config;

import java.util.Locale;

/** The four kinds of blocklist entry; each entry names exactly one. */
public enum RuleKind {
  /** A name and every name under it. */
  DOMAIN,
  /** Exactly one name, not its subdomains. */
  HOST,
  /** A name with {@code *} standing for exactly one whole label. */
  PATTERN,
  /** An IPv4 or IPv6 network (CIDR) or single address. */
  NETWORK;

  /** The YAML key that introduces an entry of this kind. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
