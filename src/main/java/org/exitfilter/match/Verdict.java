package org.exitfilter.match;

import org.exitfilter.config.Rule;

/**
 * What the blocklist says of one destination, with the entry that decided.
 *
 * @param decision the outcome
 * @param rule the deciding entry; {@code null} for {@link Decision#NO_MATCH}
 */
public record Verdict(Decision decision, Rule rule) {
  /** No entry matched: the destination may be reached (subject to the address checks). */
  public static final Verdict NO_MATCH = new Verdict(Decision.NO_MATCH, null);

  /** The outcomes of a match. */
  public enum Decision {
    /** No entry applies. */
    NO_MATCH,
    /** The most specific matching entry is an exception; network bans no longer apply either. */
    EXEMPT,
    /** The most specific matching entry is a ban. */
    BLOCK
  }

  public boolean blocked() {
    return decision == Decision.BLOCK;
  }
}
