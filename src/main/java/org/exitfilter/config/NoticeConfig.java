package org.exitfilter.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The exit notice ({@code notice:} in {@code exitfilter.yaml}): the pages that tell whoever types
 * the exit's address into a browser what it is, whom to write to, and which bans are in force.
 *
 * @param listen where the notice is served, usually the exit's public addresses on port 80; never
 *     empty
 * @param operator who runs the exit, as shown on the pages
 * @param contact the operator's email address for abuse reports and ban requests
 * @param pgpKey the operator's public key, served at {@code /pgp-key.asc}, or {@code null}
 * @param addresses the exit's outgoing addresses (default: the listen addresses)
 * @param languages the languages served, the first the fallback (default [en, de])
 * @param publishRequesters whether {@code /bans} shows who asked for each ban (default false)
 * @param templates a folder whose files override the built-in templates, or {@code null}
 */
public record NoticeConfig(
    List<InetSocketAddress> listen,
    String operator,
    String contact,
    Path pgpKey,
    List<InetAddress> addresses,
    List<String> languages,
    boolean publishRequesters,
    Path templates) {

  /** The languages with built-in templates. */
  public static final List<String> BUILT_IN_LANGUAGES = List.of("en", "de");

  public NoticeConfig {
    listen = List.copyOf(listen);
    addresses = List.copyOf(addresses);
    languages = List.copyOf(languages);
  }
}
