package org.exitfilter.proxy;

import org.exitfilter.config.Rule;
import org.exitfilter.proxy.ProxyObserver.Outcome;
import org.exitfilter.proxy.tunnel.ConnectTunnel;

/**
 * The one outcome of the request in progress on one client connection, told to the {@link
 * ProxyObserver} exactly once: {@link #begin()} opens a request, the first outcome given after it
 * counts, and any later one for the same request is ignored. Refusals and failures are counted as
 * their {@link ProxyError} says, like their status and {@code Proxy-Status}. A request its client
 * abandons before any answer is not counted. Confined to the connection's event loop.
 */
final class RequestOutcome implements ConnectTunnel.Outcomes {
  private final ProxyObserver observer;
  private boolean open;

  RequestOutcome(ProxyObserver observer) {
    this.observer = observer;
  }

  /** A new request (or CONNECT) begins. */
  void begin() {
    open = true;
  }

  /** Refused or failed as {@code error} says; {@code rule} is the deciding entry of a block. */
  void failed(ProxyError error, Rule rule) {
    record(error.outcome, rule);
  }

  void forwarded() {
    record(Outcome.FORWARDED, null);
  }

  @Override
  public void tunneled() {
    record(Outcome.TUNNELED, null);
  }

  @Override
  public void blocked(Rule rule) {
    failed(ProxyError.BLOCKED, rule);
  }

  @Override
  public void malformed() {
    failed(ProxyError.BAD_REQUEST, null);
  }

  void infoPage() {
    record(Outcome.INFO_PAGE, null);
  }

  private void record(Outcome outcome, Rule rule) {
    if (open) {
      open = false;
      observer.outcome(outcome, rule);
    }
  }
}
