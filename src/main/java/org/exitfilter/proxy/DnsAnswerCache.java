package org.exitfilter.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.resolver.dns.DnsCache;
import io.netty.resolver.dns.DnsCacheEntry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The DNS answers the proxy keeps: at most {@value #MAX_NAMES} names, each for its TTL but at most
 * {@link #MAX_TTL}. Netty's default cache keeps every name it was asked for its whole TTL (up to
 * two years), with no bound on how many: a client asking for a new name on every request, each
 * answered by a server it controls with a long TTL, could grow the heap until the exit stopped, and
 * a busy exit would keep the names its users visited for as long as their records say. Failures are
 * not kept (Netty's default too). Thread-safe: every event loop's resolver shares one.
 */
final class DnsAnswerCache implements DnsCache {
  /** Names kept at most; beyond it the least used go first. */
  static final int MAX_NAMES = 10_000;

  /**
   * Longest an answer is kept. The exit's own recursive resolver keeps answers longer; here they
   * only spare it the queries of a burst of new connections to one name.
   */
  static final Duration MAX_TTL = Duration.ofSeconds(60);

  /** One cached address; never a failure. */
  private record Entry(InetAddress address) implements DnsCacheEntry {
    @Override
    public Throwable cause() {
      return null;
    }
  }

  /** A failure, handed back to Netty and not kept. */
  private record Failure(Throwable cause) implements DnsCacheEntry {
    @Override
    public InetAddress address() {
      return null;
    }
  }

  /** The addresses kept for one name and when they expire (the earliest of their TTLs). */
  private record Answer(List<Entry> entries, long expiresAtNanos) {}

  private final Cache<String, Answer> answers;
  private final Ticker ticker;
  private final long maxTtlNanos;

  DnsAnswerCache() {
    this(MAX_NAMES, MAX_TTL, Ticker.systemTicker());
  }

  DnsAnswerCache(int maxNames, Duration maxTtl, Ticker ticker) {
    this.ticker = ticker;
    this.maxTtlNanos = maxTtl.toNanos();
    this.answers =
        Caffeine.newBuilder()
            .maximumSize(maxNames)
            .expireAfter(new UntilExpiry())
            .ticker(ticker)
            // Evictions run on the event loop that caches: no thread of Caffeine's own.
            .executor(Runnable::run)
            .build();
  }

  @Override
  public List<? extends DnsCacheEntry> get(String hostname, DnsRecord[] additionals) {
    if (additionals.length > 0) {
      return List.of();
    }
    Answer answer = answers.getIfPresent(key(hostname));
    return answer == null ? List.of() : answer.entries();
  }

  @Override
  public DnsCacheEntry cache(
      String hostname,
      DnsRecord[] additionals,
      InetAddress address,
      long originalTtl,
      EventLoop loop) {
    Entry entry = new Entry(address);
    long ttlNanos = Math.min(maxTtlNanos, Duration.ofSeconds(Math.max(0, originalTtl)).toNanos());
    // As Netty's cache: an answer for a query with additional records (e.g. a client subnet) is
    // not kept, nor one that may not be kept at all.
    if (additionals.length > 0 || ttlNanos <= 0) {
      return entry;
    }
    long expiresAt = ticker.read() + ttlNanos;
    answers
        .asMap()
        .compute(
            key(hostname),
            (name, kept) -> {
              if (kept == null || kept.expiresAtNanos() - ticker.read() <= 0) {
                return new Answer(List.of(entry), expiresAt);
              }
              List<Entry> entries = new ArrayList<>(kept.entries().size() + 1);
              entries.addAll(kept.entries());
              entries.add(entry);
              return new Answer(List.copyOf(entries), Math.min(kept.expiresAtNanos(), expiresAt));
            });
    return entry;
  }

  @Override
  public DnsCacheEntry cache(
      String hostname, DnsRecord[] additionals, Throwable cause, EventLoop loop) {
    return new Failure(cause);
  }

  @Override
  public void clear() {
    answers.invalidateAll();
  }

  @Override
  public boolean clear(String hostname) {
    return answers.asMap().remove(key(hostname)) != null;
  }

  /** Names as Netty's own cache keys them: with the root label's dot. */
  private static String key(String hostname) {
    return hostname.endsWith(".") ? hostname : hostname + ".";
  }

  /** Each answer lives until the earliest TTL of its addresses, counted from when it was cached. */
  private final class UntilExpiry implements Expiry<String, Answer> {
    @Override
    public long expireAfterCreate(String name, Answer answer, long now) {
      return Math.max(0, answer.expiresAtNanos() - now);
    }

    @Override
    public long expireAfterUpdate(String name, Answer answer, long now, long current) {
      return Math.max(0, answer.expiresAtNanos() - now);
    }

    @Override
    public long expireAfterRead(String name, Answer answer, long now, long current) {
      return current;
    }
  }
}
