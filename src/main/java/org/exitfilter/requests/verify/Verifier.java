package org.exitfilter.requests.verify;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.RuleKind;
import org.exitfilter.match.Matcher;
import org.exitfilter.policy.DestinationPolicy.Access;
import org.exitfilter.proxy.OutboundCheck;
import org.exitfilter.proxy.ProxiedFetch;
import org.exitfilter.requests.mail.CandidateFinder;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.requests.store.BanRequest.Candidate;
import org.exitfilter.requests.store.BanRequest.FoundIn;
import org.exitfilter.requests.store.BanRequest.Method;

/**
 * Checks the three ways an owner can prove control of a name: a TXT record {@code
 * _exitfilter-ban.NAME} holding the token (asked of the configured resolver), the file {@code
 * http://NAME/.well-known/exitfilter-ban.txt} holding it (fetched through the proxy's own checks,
 * asked of the proxy's destination policy first ({@link OutboundCheck}), then fetched through the
 * proxy, see {@link ProxiedFetch}), and, weakest, a sender address at the name.
 *
 * <p>The verification proxy is started on the first HTTP check and stopped on {@link #close()}.
 */
public final class Verifier implements AutoCloseable {
  public static final String DNS_PREFIX = "_exitfilter-ban.";
  public static final String WELL_KNOWN_PATH = "/.well-known/exitfilter-ban.txt";

  /** Redirects followed, and only to the same name (http to https, another path). */
  private static final int MAX_REDIRECTS = 3;

  /** Bytes of a proof file read at most; the token is near the top of a tiny file. */
  static final int MAX_BODY_BYTES = 4096;

  private static final Map<String, String> HEADERS = Map.of("User-Agent", "exitfilter-verify");

  private final ProxyConfig config;
  private final DnsTxt dns;
  private final int httpPort;
  private final Clock clock;
  private ProxiedFetch fetch;
  private Matcher matcher;
  private OutboundCheck outbound;

  /**
   * @param httpPort the port of the proof URL: 80, except in tests, whose origins listen on
   *     ephemeral ports
   */
  public Verifier(ProxyConfig config, int httpPort, Clock clock) {
    this.config = config;
    this.dns = new DnsTxt(config.resolver());
    this.httpPort = httpPort;
    this.clock = clock;
  }

  /** Every check of one candidate, sender first (it costs nothing), then DNS, then HTTP. */
  public List<Check> check(BanRequest request, Candidate candidate)
      throws IOException, ConfigException {
    List<Check> checks = new ArrayList<>();
    if (candidate.kind() == RuleKind.NETWORK) {
      // An address has no DNS name to hold a record and no mail domain; the web file proves it.
      String name = candidate.name();
      checks.add(
          new Check(
              name,
              Method.SENDER_ADDRESS,
              false,
              "a sender address cannot vouch for an IP address"));
      checks.add(
          new Check(
              name, Method.DNS_TXT, false, "an IP address has no name for a TXT record to prove"));
    } else {
      checks.add(sender(request, candidate));
      checks.add(dns(request, candidate.name()));
    }
    checks.add(http(request, candidate));
    return checks;
  }

  private Check sender(BanRequest request, Candidate candidate) {
    String name = candidate.name();
    Method method = Method.SENDER_ADDRESS;
    if (request.sender() == null) {
      return new Check(name, method, false, "the mail has no sender address");
    }
    String senderDomain =
        CandidateFinder.normalize(
            request.sender().substring(request.sender().lastIndexOf('@') + 1));
    if (senderDomain == null) {
      return new Check(name, method, false, "the sender address has no usable domain");
    }
    if (candidate.foundIn() == FoundIn.MAIL_ADDRESS) {
      // Otherwise "please ban me" from anyone@freemail.example would vouch for freemail.example.
      return new Check(
          name,
          method,
          false,
          "the name comes only from a mail address, so a sender address cannot vouch for it");
    }
    if (name.equals(senderDomain) || name.endsWith("." + senderDomain)) {
      return new Check(
          name,
          method,
          true,
          "sent from " + request.sender() + " (weak: anyone can write any From address)");
    }
    return new Check(name, method, false, "sent from " + senderDomain + ", not from " + name);
  }

  private Check dns(BanRequest request, String name) {
    String record = DNS_PREFIX + name;
    DnsTxt.Answer answer = dns.lookup(record);
    Method method = Method.DNS_TXT;
    if (answer instanceof DnsTxt.Answer.Found found) {
      if (found.texts().stream().anyMatch(t -> t.contains(request.token()))) {
        return new Check(name, method, true, "TXT " + record + " holds the token");
      }
      return new Check(
          name,
          method,
          false,
          found.texts().isEmpty()
              ? "no TXT record at " + record
              : "the TXT records at " + record + " do not hold the token");
    }
    if (answer instanceof DnsTxt.Answer.NoSuchName) {
      return new Check(name, method, false, "no TXT record at " + record);
    }
    return new Check(
        name, method, false, "DNS lookup failed: " + ((DnsTxt.Answer.Failed) answer).why());
  }

  private Check http(BanRequest request, Candidate candidate) throws IOException, ConfigException {
    String name = candidate.name();
    String host = candidate.host();
    Method method = Method.HTTP_FILE;
    URI uri =
        URI.create("http://" + host + (httpPort == 80 ? "" : ":" + httpPort) + WELL_KNOWN_PATH);
    ProxiedFetch proxy = fetch();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      String refused = policyRefusal(uri);
      if (refused != null) {
        return new Check(name, method, false, uri + ": " + refused);
      }
      ProxiedFetch.Response response = proxy.get(uri, HEADERS, MAX_BODY_BYTES);
      if (response.failure() != null) {
        return new Check(name, method, false, uri + ": " + response.failure());
      }
      if (response.proxyStatus() != null && response.status() >= 400) {
        // Allowed by the policy a moment ago, so the proxy failed to fetch (unreachable, timed
        // out) or the list changed in between; its own words say which.
        return new Check(
            name,
            method,
            false,
            uri
                + ": the proxy could not fetch it (HTTP "
                + response.status()
                + ", "
                + response.proxyStatus()
                + ")");
      }
      int status = response.status();
      if (status >= 300 && status < 400 && response.location() != null) {
        URI next = sameHostRedirect(uri, response.location(), host);
        if (next == null) {
          return new Check(
              name,
              method,
              false,
              uri + ": redirects to another site; the file must be on " + host);
        }
        uri = next;
        continue;
      }
      if (status != 200) {
        return new Check(name, method, false, uri + ": HTTP status " + status);
      }
      if (!response.text().contains(request.token())) {
        return new Check(name, method, false, uri + ": the file does not hold the token");
      }
      return new Check(name, method, true, "GET " + uri + " holds the token");
    }
    return new Check(name, method, false, uri + ": too many redirects");
  }

  /**
   * What the destination policy says about fetching {@code uri}, asked exactly as the proxy asks it
   * (same blocklist, same resolver, same address rules): {@code null} when it may be fetched, else
   * why not, in the operator's words. The fetch itself still goes through the proxy, which decides
   * again before it connects.
   */
  private String policyRefusal(URI uri) throws IOException, ConfigException {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    if (uri.getHost() == null) {
      return "not a host the proxy accepts";
    }
    matcher(); // loaded here, where its errors can be thrown, not inside the check
    return outbound()
        .refusal(
            uri.getHost(),
            uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80,
            https ? Access.CONNECT : Access.HTTP);
  }

  /**
   * The redirect target if it stays on {@code host} (a name, or an IPv4 address) over http or
   * https, else {@code null}.
   */
  private static URI sameHostRedirect(URI from, String location, String host) {
    try {
      URI next = from.resolve(new URI(location));
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      String to = next.getHost() == null ? null : CandidateFinder.normalize(next.getHost());
      boolean same = host.equals(to) || host.equals(next.getHost());
      return (scheme.equals("http") || scheme.equals("https")) && same ? next : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private ProxiedFetch fetch() throws IOException, ConfigException {
    if (fetch == null) {
      Matcher bans = matcher();
      fetch = ProxiedFetch.start(config, () -> bans);
    }
    return fetch;
  }

  /** The blocklist as it stands today, compiled once for this verifier's checks and its proxy. */
  private Matcher matcher() throws IOException, ConfigException {
    if (matcher == null) {
      matcher =
          Matcher.compile(
              BlocklistLoader.load(config.blocklist()),
              LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    }
    return matcher;
  }

  private OutboundCheck outbound() {
    if (outbound == null) {
      outbound = new OutboundCheck(config, () -> matcher);
    }
    return outbound;
  }

  @Override
  public void close() {
    if (fetch != null) {
      fetch.close();
    }
    if (outbound != null) {
      outbound.close();
    }
  }
}
