package org.exitfilter.config;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a shared list names a file of its accepted commit, {@code LIST@COMMIT:PATH} (e.g. {@code
 * cascade@1a2b3c4:blocklist.yaml}), in place of the folder it was checked out to. An entry's {@link
 * Source} then reads {@code cascade@1a2b3c4:blocklist.yaml:12}: the one form {@code check}, the
 * block page and the notice's {@code /bans} name a shared entry by. Written here and read back
 * here, and nowhere else.
 *
 * @param list the shared list's name, {@code [a-z0-9-]+}
 * @param commit the accepted commit, abbreviated to {@value #ABBREVIATED} hex digits
 * @param path the file's path in the list's repository
 */
public record SharedFile(String list, String commit, String path) {
  /** How many hex digits of a commit name it, as git abbreviates. */
  public static final int ABBREVIATED = 7;

  private static final Pattern FORM = Pattern.compile("([a-z0-9-]+)@([0-9a-f]{7}):(\\S+)");

  /** The file {@code path} of {@code list} at {@code commit} (given in full or abbreviated). */
  public static SharedFile of(String list, String commit, String path) {
    return new SharedFile(list, commit.substring(0, ABBREVIATED), path);
  }

  /** {@code LIST@COMMIT}: the list at one commit, as the log and {@code shared status} name it. */
  public static String label(String list, String commit) {
    return list + "@" + commit.substring(0, ABBREVIATED);
  }

  /**
   * The shared list's file that {@code file} names, or {@code null} for any other file (the
   * operator's own).
   */
  public static SharedFile named(Path file) {
    String text = file.toString();
    if (text.indexOf('@') < 0) {
      return null; // the operator's own files, without a regular expression per entry
    }
    Matcher m = FORM.matcher(text);
    return m.matches() ? new SharedFile(m.group(1), m.group(2), m.group(3)) : null;
  }

  /** {@code LIST@COMMIT}. */
  public String label() {
    return list + "@" + commit;
  }

  /** The name entries of this file carry as their {@link Source#file()}. */
  public Path asPath() {
    return Path.of(label() + ":" + path);
  }
}
