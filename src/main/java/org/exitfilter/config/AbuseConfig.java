package org.exitfilter.config;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The abuse desk ({@code abuse:}); absent from {@link ProxyConfig} when the key is left out, and
 * then the desk is off.
 *
 * @param addresses the exit's outgoing addresses ({@code addresses:}, required)
 * @param mailbox the operator's From address ({@code mailbox:}, required)
 * @param smtp where drafts are sent ({@code smtp:}), or {@code null}: then {@code send} refuses
 * @param imap where {@code import imap} reads ({@code imap:}), or {@code null}
 * @param rdap RDAP servers asked for abuse contacts ({@code rdap:}); empty means the IANA bootstrap
 * @param deadline when the ISP expects feedback, counted from the complaint ({@code deadline:},
 *     default 48h)
 */
public record AbuseConfig(
    List<InetAddress> addresses,
    String mailbox,
    Smtp smtp,
    Imap imap,
    List<URI> rdap,
    Duration deadline) {

  public static final Duration DEFAULT_DEADLINE = Duration.ofHours(48);

  public AbuseConfig {
    addresses = List.copyOf(addresses);
    rdap = List.copyOf(rdap);
  }

  /**
   * SMTP submission ({@code smtp:}).
   *
   * @param passwordFile a file holding the password on its first line, or {@code null}
   */
  public record Smtp(String host, int port, boolean starttls, String username, Path passwordFile) {}

  /**
   * An IMAP mailbox ({@code imap:}).
   *
   * @param passwordFile a file holding the password on its first line, or {@code null}
   */
  public record Imap(
      String host, int port, boolean tls, String username, Path passwordFile, String folder) {}
}
