package org.exitfilter.notice;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Rule;
import org.exitfilter.match.LocalVeto;

/**
 * The bans the notice publishes: those of the list in force, the operator's own list and every
 * shared list's accepted commit, each entry naming its source. Swapped whole on every load like the
 * compiled snapshot, so a page never shows half of a reload.
 *
 * <p>It keeps the loaded lists' bans in the form they were loaded in: the few rules written in each
 * blocklist file, and each list file's compact {@code ListEntries} (the entry bytes, their ends and
 * lines: about the name's length plus eight bytes an entry), never a {@code Rule} per list entry.
 * Exceptions are not kept: they are not published. A shared ban the operator's exceptions lift
 * whole is not in force and not published ({@link LocalVeto}); which those are is worked out here,
 * on the thread that swaps a list in: when a shared list changes, and when the operator's
 * exceptions do (a reload that changes only bans asks nothing again).
 *
 * <p>Fed by {@code CurrentBlocklist.onReplace}: {@link #update} from the reload thread, {@link
 * #updateShared} from the shared lists' thread; the two take turns on a lock of their own, pages
 * never wait for it.
 */
public final class PublishedBans {
  private final AtomicReference<BanList> current;

  /** Writers only: the parts the published list is made of. */
  private final Object writeLock = new Object();

  private BanSource local;
  private List<Rule> localExceptions;
  private LocalVeto veto;
  private List<Blocklist> shared = List.of();
  private List<BanSource> sharedSources = List.of();

  private PublishedBans(Blocklist local) {
    this.local = BanSource.local(local);
    this.localExceptions = local.exceptions();
    this.veto = LocalVeto.of(localExceptions);
    this.current = new AtomicReference<>(BanList.of(List.of(this.local)));
  }

  /** The bans of the operator's loaded list, and no shared list yet. */
  public static PublishedBans of(Blocklist blocklist) {
    return new PublishedBans(blocklist);
  }

  /**
   * Publishes a newly loaded list of the operator's; the shared lists stay as they are, but for
   * which of their bans the operator's exceptions now veto. The pages being served keep the list
   * they took.
   */
  public void update(Blocklist blocklist) {
    BanSource source = BanSource.local(blocklist);
    synchronized (writeLock) {
      local = source;
      if (!blocklist.exceptions().equals(localExceptions)) {
        localExceptions = blocklist.exceptions();
        veto = LocalVeto.of(localExceptions);
        sharedSources = sources(shared, veto);
      }
      publish();
    }
  }

  /**
   * Publishes the shared lists' accepted commits now in force, one list each with its entries named
   * {@code LIST@COMMIT:PATH} (none: no shared list); the operator's list stays as it is.
   */
  public void updateShared(List<Blocklist> accepted) {
    synchronized (writeLock) {
      shared = List.copyOf(accepted);
      sharedSources = sources(shared, veto);
      publish();
    }
  }

  private static List<BanSource> sources(List<Blocklist> lists, LocalVeto veto) {
    return lists.stream().map(list -> BanSource.shared(list, veto)).toList();
  }

  private void publish() {
    List<BanSource> all = new ArrayList<>();
    all.add(local);
    all.addAll(sharedSources);
    current.set(BanList.of(all));
  }

  BanList get() {
    return current.get();
  }
}
