package org.exitfilter.abuse;

import java.net.InetAddress;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code Received:} field: {@code from CLIENT (COMMENT) by HOST with PROTOCOL ...; DATE}.
 *
 * @param from the from clause, comments included, where the client's addresses are
 * @param by the receiving host, or {@code null}
 * @param date the text after the last semicolon, or {@code null}
 */
record ReceivedHop(String from, String by, String date) {
  private static final Pattern BY = Pattern.compile("(?i)(?:^|\\s)by\\s+([^\\s;()]+)");

  static ReceivedHop parse(String text) {
    int semicolon = text.lastIndexOf(';');
    String date = semicolon < 0 ? null : text.substring(semicolon + 1).trim();
    String clauses = semicolon < 0 ? text : text.substring(0, semicolon);
    Matcher by = BY.matcher(clauses);
    String from = by.find() ? clauses.substring(0, by.start()) : clauses;
    return new ReceivedHop(from, by.find(0) ? by.group(1) : null, date);
  }

  /** The first client address in the from clause that is one of {@code ours}, or null. */
  InetAddress clientIn(Set<InetAddress> ours) {
    for (InetAddress a : IpLiterals.addresses(from)) {
      if (ours.contains(a)) {
        return a;
      }
    }
    return null;
  }
}
