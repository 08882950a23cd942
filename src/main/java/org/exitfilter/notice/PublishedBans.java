package org.exitfilter.notice;

import java.util.concurrent.atomic.AtomicReference;
import org.exitfilter.config.Blocklist;

/**
 * The bans the notice publishes: those of the list in force, swapped whole on every load like the
 * compiled snapshot, so a page never shows half of a reload.
 *
 * <p>It keeps the loaded list's bans in the form they were loaded in: the few rules written in the
 * blocklist file, and each list file's compact {@code ListEntries} (the entry bytes, their ends and
 * lines: about the name's length plus eight bytes an entry), never a {@code Rule} per list entry.
 * Exceptions are not kept: they are not published.
 */
public final class PublishedBans {
  private final AtomicReference<BanList> current;

  private PublishedBans(BanList list) {
    this.current = new AtomicReference<>(list);
  }

  /** The bans of a loaded list. */
  public static PublishedBans of(Blocklist blocklist) {
    return new PublishedBans(BanList.of(blocklist));
  }

  /** Publishes a newly loaded list; the pages being served keep the list they took. */
  public void update(Blocklist blocklist) {
    current.set(BanList.of(blocklist));
  }

  BanList get() {
    return current.get();
  }
}
