package org.exitfilter.config;

import java.time.LocalDate;
import java.util.Objects;
import org.exitfilter.net.IpNetwork;

/**
 * One validated blocklist entry, a ban or an exception.
 *
 * @param kind which of domain, host, pattern or network the entry names
 * @param value the normalized value: an ASCII name for DOMAIN and HOST, an ASCII pattern with
 *     {@code *} labels for PATTERN, the canonical CIDR text for NETWORK
 * @param network the parsed network for NETWORK entries, {@code null} otherwise
 * @param ports the ports the entry applies to
 * @param exception true for an entry under {@code exceptions:}
 * @param reason what the operator wrote as the reason, or {@code null}
 * @param requestedBy who asked, or {@code null}
 * @param requestedOn when they asked, or {@code null}
 * @param expires the last UTC day the entry applies, or {@code null} for no end
 * @param reference an identifier of the request behind the entry, or {@code null}
 * @param source where the entry starts in its file
 */
public record Rule(
    RuleKind kind,
    String value,
    IpNetwork network,
    Ports ports,
    boolean exception,
    String reason,
    String requestedBy,
    LocalDate requestedOn,
    LocalDate expires,
    String reference,
    Source source) {

  public Rule {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(source, "source");
    if ((kind == RuleKind.NETWORK) != (network != null)) {
      throw new IllegalArgumentException("network is set exactly for NETWORK rules");
    }
  }

  /**
   * An entry on this one's terms (kind, ports, exception or not, reason, requester, expiry,
   * reference) for another value at another place: what a list file's entries share but value and
   * line, and what a shared list's entry keeps when its file is renamed to its provenance.
   */
  public Rule withEntry(String otherValue, IpNetwork otherNetwork, Source otherSource) {
    return new Rule(
        kind,
        otherValue,
        otherNetwork,
        ports,
        exception,
        reason,
        requestedBy,
        requestedOn,
        expires,
        reference,
        otherSource);
  }

  /** This entry, written at {@code otherSource}. */
  public Rule withSource(Source otherSource) {
    return withEntry(value, network, otherSource);
  }

  /** Whether the entry still applies on the given UTC day ({@code expires} is inclusive). */
  public boolean activeOn(LocalDate day) {
    return expires == null || !day.isAfter(expires);
  }

  /**
   * A short description for logs and pages: {@code "domain example.org (blocklist.yaml:3)"}, a
   * shared list's entry with its {@link Source#label() provenance}.
   */
  public String describe() {
    return kind.key() + " " + value + " (" + source.label() + ")";
  }
}
