package org.exitfilter.reload;

import java.time.Instant;
import java.util.List;
import org.exitfilter.config.Problem;

/**
 * The outcome of the last attempt to load the blocklist, for the log, {@code /status} and metrics.
 *
 * @param at when the attempt finished
 * @param applied whether the list was swapped in; when false, the previous list still serves
 * @param trigger what caused it: "start", "file change", "SIGHUP", "midnight", "manual"
 * @param problems the errors that refused the list (empty when applied)
 */
public record ReloadResult(Instant at, boolean applied, String trigger, List<Problem> problems) {
  public ReloadResult {
    problems = List.copyOf(problems);
  }
}
