package org.exitfilter.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated blocklist as the operator wrote it, entries in file order.
 *
 * @param file the blocklist file
 * @param sha256 hex SHA-256 of the blocklist file's bytes, to tell versions apart
 * @param bans the ban entries (including those read from {@code lists:} files)
 * @param exceptions the exception entries
 * @param warnings things worth the operator's attention that do not stop the list from loading
 * @param listFiles the plain-text list files named under {@code lists:}, which reload watches too
 */
public record Blocklist(
    Path file,
    String sha256,
    List<Rule> bans,
    List<Rule> exceptions,
    List<Problem> warnings,
    List<Path> listFiles) {

  public Blocklist {
    listFiles = List.copyOf(listFiles);
    bans = List.copyOf(bans);
    exceptions = List.copyOf(exceptions);
    warnings = List.copyOf(warnings);
  }
}
