package org.exitfilter.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an origin counts and records, written by its event loop and read by the test thread. Keeps
 * the most recent {@value #CAPACITY} request heads so a long test cannot exhaust memory.
 */
final class RequestLog {
  static final int CAPACITY = 1000;

  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final AtomicInteger completeRequests = new AtomicInteger();
  private final Deque<RecordedRequest> recent = new ArrayDeque<>();
  private final AtomicLong patternBytes = new AtomicLong();
  private final AtomicInteger pausedStreams = new AtomicInteger();

  /** Counts a new connection and returns its number, from 1. */
  int connectionAccepted() {
    return connections.incrementAndGet();
  }

  int acceptedConnections() {
    return connections.get();
  }

  synchronized void record(RecordedRequest request) {
    if (recent.size() == CAPACITY) {
      recent.removeFirst();
    }
    recent.addLast(request);
    requestCount.incrementAndGet();
  }

  int requestCount() {
    return requestCount.get();
  }

  /** A request's body (possibly empty) arrived to its end. */
  void requestCompleted() {
    completeRequests.incrementAndGet();
  }

  int completeRequests() {
    return completeRequests.get();
  }

  synchronized List<RecordedRequest> requests() {
    return List.copyOf(recent);
  }

  synchronized RecordedRequest last() {
    if (recent.isEmpty()) {
      throw new AssertionError("the origin has not received any request");
    }
    return recent.getLast();
  }

  /** Pattern body bytes handed to the channel so far, on every connection. */
  long patternBytes() {
    return patternBytes.get();
  }

  void patternBytesWritten(int count) {
    patternBytes.addAndGet(count);
  }

  /** Streams waiting for their channel to become writable again. */
  int pausedStreams() {
    return pausedStreams.get();
  }

  void streamPaused(boolean paused) {
    pausedStreams.addAndGet(paused ? 1 : -1);
  }
}
