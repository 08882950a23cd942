package org.exitfilter.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Problem;
import org.exitfilter.config.RuleKind;
import org.exitfilter.reload.CurrentBlocklist;
import org.exitfilter.reload.ReloadResult;

/** The body of {@code /status}: which list serves, what it holds, how the last load went. */
public final class StatusReport {
  private StatusReport() {}

  /**
   * The status with the shared lists' facts under {@code sharedLists} (one map per list, as {@code
   * org.exitfilter.shared.SharedListState#toStatus} makes it).
   */
  /**
   * As {@link #of(CurrentBlocklist.Snapshot, ReloadResult, List)}, with the last DNSBL round under
   * {@code dnsbl} when the exit watches its addresses ({@code dnsbl:}).
   */
  public static Map<String, Object> of(
      CurrentBlocklist.Snapshot snapshot,
      ReloadResult last,
      List<Map<String, Object>> sharedLists,
      Map<String, Object> dnsbl) {
    Map<String, Object> status = of(snapshot, last, sharedLists);
    if (dnsbl != null) {
      status.put("dnsbl", dnsbl);
    }
    return status;
  }

  public static Map<String, Object> of(
      CurrentBlocklist.Snapshot snapshot,
      ReloadResult last,
      List<Map<String, Object>> sharedLists) {
    Map<String, Object> status = of(snapshot, last);
    status.put("sharedLists", sharedLists);
    return status;
  }

  public static Map<String, Object> of(CurrentBlocklist.Snapshot snapshot, ReloadResult last) {
    Blocklist.Summary list = snapshot.blocklist();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("blocklist", list.file().toString());
    status.put("sha256", list.sha256());
    status.put("day", snapshot.matcher().day().toString());
    status.put("bans", byKey(list.bans()));
    status.put("exceptions", byKey(list.exceptions()));
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

  private static Map<String, Integer> byKey(Map<RuleKind, Integer> counts) {
    Map<String, Integer> byKey = new LinkedHashMap<>();
    for (RuleKind kind : RuleKind.values()) {
      byKey.put(kind.key(), counts.getOrDefault(kind, 0));
    }
    return byKey;
  }
}
