package org.exitfilter.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Runs an action on SIGHUP, the operator's conventional "reload your configuration". */
public final class HangupSignal {
  private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);

  private HangupSignal() {}

  public static void onHangup(Runnable action) {
    try {
      Signal.handle(new Signal("HUP"), signal -> action.run());
    } catch (IllegalArgumentException e) {
      // No SIGHUP on this platform, or the JVM reserves it (-Xrs): file watching still reloads.
      log.warn("SIGHUP reload unavailable: {}", e.getMessage());
    }
  }
}
