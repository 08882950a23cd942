package org.exitfilter.config;

import java.time.Duration;
import java.util.List;

/**
 * DNS blocklists to watch ({@code dnsbl:}); absent from {@link ProxyConfig} when the key is left
 * out. The addresses checked are {@link AbuseConfig#addresses()}.
 *
 * @param zones the zones, such as {@code zen.spamhaus.org}, asked through {@code resolver:}
 * @param interval how often the running proxy checks ({@code interval:}, default 1h)
 */
public record DnsblConfig(List<String> zones, Duration interval) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);

  public DnsblConfig {
    zones = List.copyOf(zones);
  }
}
