package org.exitfilter.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The ports an entry applies to: every port, or a fixed set. Immutable; lookups do not box. */
public final class Ports {
  /** Every port: what an entry without {@code ports:} means. */
  public static final Ports ALL = new Ports(null);

  private final int[] sorted;

  private Ports(int[] sorted) {
    this.sorted = sorted;
  }

  /** A fixed set of ports, each 1 to 65535 (checked by the loader). */
  public static Ports of(int... ports) {
    int[] copy = Arrays.stream(ports).distinct().sorted().toArray();
    return new Ports(copy);
  }

  public boolean isAll() {
    return sorted == null;
  }

  public boolean contains(int port) {
    return sorted == null || Arrays.binarySearch(sorted, port) >= 0;
  }

  /** Whether every port of {@code other} is one of these. */
  public boolean containsAll(Ports other) {
    if (sorted == null) {
      return true;
    }
    if (other.sorted == null) {
      return false;
    }
    for (int port : other.sorted) {
      if (Arrays.binarySearch(sorted, port) < 0) {
        return false;
      }
    }
    return true;
  }

  /** One port of the set, the lowest; {@code fallback} for {@link #ALL}. */
  public int any(int fallback) {
    return sorted == null ? fallback : sorted[0];
  }

  /** The listed ports in ascending order; empty for {@link #ALL}. */
  public int[] toArray() {
    return sorted == null ? new int[0] : sorted.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ports other && Arrays.equals(sorted, other.sorted);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sorted);
  }

  @Override
  public String toString() {
    return sorted == null
        ? "all"
        : Arrays.stream(sorted)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(",", "[", "]"));
  }
}
