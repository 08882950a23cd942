package org.exitfilter.match;

import java.net.InetAddress;
import java.time.LocalDate;
import org.exitfilter.net.Host;

/**
 * The operator's own list over the shared lists an exit follows. The operator's list is asked
 * first, and any entry of it that decides has the last word: a local exception beats any shared ban
 * (the operator's veto), and a shared exception never lifts a local ban. Only where no local entry
 * matches do the shared lists decide, among themselves with the usual precedence.
 *
 * <p>A name that only a shared exception lets through is answered as {@link Verdict#NO_MATCH}
 * rather than {@link Verdict.Decision#EXEMPT}: an exempt name skips the network bans of its
 * addresses, local ones included, and a shared exception must not lift a local network ban. The
 * shared lists' own network bans then apply to its addresses too, the stricter side.
 */
public final class LayeredMatcher implements Matcher {
  private final Matcher local;
  private final Matcher shared;

  private LayeredMatcher(Matcher local, Matcher shared) {
    this.local = local;
    this.shared = shared;
  }

  /** {@code local} alone when there is no shared list ({@code shared == null}). */
  public static Matcher of(Matcher local, Matcher shared) {
    return shared == null ? local : new LayeredMatcher(local, shared);
  }

  @Override
  public Verdict check(Host.Name name, int port) {
    Verdict mine = local.check(name, port);
    if (mine.decision() != Verdict.Decision.NO_MATCH) {
      return mine;
    }
    Verdict theirs = shared.check(name, port);
    return theirs.blocked() ? theirs : Verdict.NO_MATCH;
  }

  @Override
  public Verdict check(InetAddress address, int port) {
    Verdict mine = local.check(address, port);
    if (mine.decision() != Verdict.Decision.NO_MATCH) {
      return mine;
    }
    return shared.check(address, port);
  }

  @Override
  public LocalDate day() {
    return local.day();
  }

  @Override
  public Matcher onDay(LocalDate day) {
    return new LayeredMatcher(local.onDay(day), shared.onDay(day));
  }
}
