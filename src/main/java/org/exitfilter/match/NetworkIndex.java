package org.exitfilter.match;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.TreeSet;
import org.exitfilter.config.Rule;
import org.exitfilter.net.IpNetwork;

/**
 * The network entries of one address family, found by hashing: the table is keyed by prefix length
 * and masked address, and a lookup probes it once per prefix length that some entry uses, longest
 * first, so it costs at most 33 (IPv4) or 129 (IPv6) probes however many entries there are, and a
 * handful in practice.
 *
 * <p>Addresses are held as 128 bits in two {@code long}s, an IPv4 address in the top 32 bits, so
 * that one implementation serves both families. Like names, entries read from lists keep only their
 * bits, line and template (see {@link Templates}).
 */
final class NetworkIndex {
  private static final int CONTINUES = 1;

  /** Every port, every day: no need to ask the templates. */
  private static final int ALWAYS = 2;

  private static final int TEMPLATE_SHIFT = 2;

  private final int bits;
  private final int[] lengthsLongestFirst;
  private final GroupTable table;
  private final int[] slots;
  private final int mask;
  private final long[] high;
  private final long[] low;
  private final int[] prefix;
  private final int[] meta;
  private final int[] lines;
  private final Templates templates;

  private NetworkIndex(
      int bits,
      int[] lengthsLongestFirst,
      GroupTable table,
      long[] high,
      long[] low,
      int[] prefix,
      int[] meta,
      int[] lines,
      Templates templates) {
    this.bits = bits;
    this.lengthsLongestFirst = lengthsLongestFirst;
    this.table = table;
    this.slots = table.slots;
    this.mask = table.mask;
    this.high = high;
    this.low = low;
    this.prefix = prefix;
    this.meta = meta;
    this.lines = lines;
    this.templates = templates;
  }

  /**
   * Indexes network rules of one family.
   *
   * @param bits 32 for IPv4, 128 for IPv6
   * @param rules the rules of that family, exceptions first, each kind in file order
   * @param templateIds the template of each rule
   */
  static NetworkIndex build(int bits, List<Rule> rules, int[] templateIds, Templates templates) {
    int n = rules.size();
    long[] highs = new long[n];
    long[] lows = new long[n];
    int[] prefixes = new int[n];
    long[] hashes = new long[n];
    TreeSet<Integer> lengths = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      Rule rule = rules.get(i);
      byte[] address = rule.network().address().getAddress();
      int length = rule.network().prefixLength();
      if (address.length * 8 != bits || length < 0 || length > bits) {
        throw new IllegalArgumentException("bad network in " + rule.describe());
      }
      // IpNetwork promises cleared host bits; clear them anyway, a stray bit would never match.
      highs[i] = maskHigh(word(address, 0), length);
      lows[i] = maskLow(word(address, 8), length);
      prefixes[i] = length;
      hashes[i] = hash(highs[i], lows[i], length);
      lengths.add(length);
    }
    GroupTable.Layout layout =
        GroupTable.build(
            hashes,
            (a, b) -> highs[a] == highs[b] && lows[a] == lows[b] && prefixes[a] == prefixes[b]);
    long[] high = new long[n];
    long[] low = new long[n];
    int[] prefix = new int[n];
    int[] meta = new int[n];
    int[] lines = new int[n];
    for (int position = 0; position < n; position++) {
      int i = layout.order()[position];
      high[position] = highs[i];
      low[position] = lows[i];
      prefix[position] = prefixes[i];
      meta[position] =
          templateIds[i] << TEMPLATE_SHIFT
              | (layout.continues()[position] ? CONTINUES : 0)
              | (templates.always(templateIds[i]) ? ALWAYS : 0);
      lines[position] = rules.get(i).source().line();
    }
    int[] longestFirst = lengths.descendingSet().stream().mapToInt(Integer::intValue).toArray();
    return new NetworkIndex(
        bits, longestFirst, layout.table(), high, low, prefix, meta, lines, templates);
  }

  /** The same index, deciding with other templates (another day's). */
  NetworkIndex withTemplates(Templates other) {
    return new NetworkIndex(
        bits, lengthsLongestFirst, table, high, low, prefix, meta, lines, other);
  }

  /**
   * The verdict of the longest matching network that applies to the port (an exception before a ban
   * of the same network, then file order), or {@code null}.
   *
   * @param address the address bytes, 4 or 16 matching this index
   */
  Verdict find(byte[] address, int port) {
    if (lengthsLongestFirst.length == 0) {
      return null;
    }
    long addressHigh = word(address, 0);
    long addressLow = word(address, 8);
    for (int length : lengthsLongestFirst) {
      long h = maskHigh(addressHigh, length);
      long l = maskLow(addressLow, length);
      long mixed = hash(h, l, length);
      int tag = table.tag(mixed);
      for (int s = table.firstSlot(mixed); ; s = (s + 1) & mask) {
        int slot = slots[s];
        if (slot == 0) {
          break;
        }
        int entry = table.entry(slot);
        if (table.tagMatches(slot, tag)
            && high[entry] == h
            && low[entry] == l
            && prefix[entry] == length) {
          Verdict found = firstApplying(entry, port);
          if (found != null) {
            return found;
          }
          break;
        }
      }
    }
    return null;
  }

  private Verdict firstApplying(int entry, int port) {
    for (int e = entry; ; e++) {
      int m = meta[e];
      if ((m & ALWAYS) != 0 || templates.applies(m >>> TEMPLATE_SHIFT, port)) {
        return verdict(e);
      }
      if ((m & CONTINUES) == 0) {
        return null;
      }
    }
  }

  /** The verdict of an entry: made at compile time, or built now for an entry of a list. */
  private Verdict verdict(int entry) {
    int template = meta[entry] >>> TEMPLATE_SHIFT;
    Verdict verdict = templates.precomputed(template);
    return verdict != null ? verdict : templates.rebuild(template, network(entry), lines[entry]);
  }

  private IpNetwork network(int entry) {
    byte[] address = new byte[bits / 8];
    for (int i = 0; i < address.length; i++) {
      long word = i < 8 ? high[entry] : low[entry];
      address[i] = (byte) (word >>> (56 - 8 * (i % 8)));
    }
    try {
      return new IpNetwork(InetAddress.getByAddress(address), prefix[entry]);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes", e);
    }
  }

  private static long hash(long high, long low, int length) {
    return GroupTable.spread((high * NameHash.MULTIPLIER + low) * NameHash.MULTIPLIER + length);
  }

  /** Eight bytes from {@code from}, big-endian; bytes past the end read as 0 (IPv4). */
  private static long word(byte[] address, int from) {
    long word = 0;
    for (int i = from; i < from + 8; i++) {
      word = word << 8 | (i < address.length ? address[i] & 0xFF : 0);
    }
    return word;
  }

  private static long maskHigh(long high, int length) {
    return length == 0 ? 0 : length >= 64 ? high : high & (-1L << (64 - length));
  }

  private static long maskLow(long low, int length) {
    return length <= 64 ? 0 : low & (-1L << (128 - length));
  }
}
