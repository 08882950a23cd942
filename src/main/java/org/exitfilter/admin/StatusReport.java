package org.exitfilter.admin;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Problem;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.reload.CurrentBlocklist;
import org.exitfilter.reload.ReloadResult;

/** The body of {@code /status}: which list serves, what it holds, how the last load went. */
public final class StatusReport {
  private StatusReport() {}

  public static Map<String, Object> of(CurrentBlocklist.Snapshot snapshot, ReloadResult last) {
    Blocklist list = snapshot.blocklist();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("blocklist", list.file().toString());
    status.put("sha256", list.sha256());
    status.put("day", snapshot.matcher().day().toString());
    status.put("bans", countByKind(list.bans()));
    status.put("exceptions", countByKind(list.exceptions()));
    status.put("listFiles", list.listFiles().stream().map(Object::toString).toList());
    status.put("warnings", list.warnings().size());
    Map<String, Object> reload = new LinkedHashMap<>();
    reload.put("at", last.at().toString());
    reload.put("trigger", last.trigger());
    reload.put("result", last.applied() ? "applied" : "refused; previous list still serving");
    reload.put("errors", last.problems().stream().map(Problem::toString).toList());
    status.put("lastReload", reload);
    return status;
  }

  private static Map<String, Integer> countByKind(List<Rule> rules) {
    Map<RuleKind, Integer> counts = new EnumMap<>(RuleKind.class);
    for (RuleKind kind : RuleKind.values()) {
      counts.put(kind, 0);
    }
    rules.forEach(r -> counts.merge(r.kind(), 1, Integer::sum));
    Map<String, Integer> byKey = new LinkedHashMap<>();
    counts.forEach((kind, n) -> byKey.put(kind.key(), n));
    return byKey;
  }
}
