package org.exitfilter.proxy;

import io.netty.channel.WriteBufferWaterMark;

/** How much a connection may hold in its outbound buffer before the other side stops reading. */
final class Buffers {
  /**
   * Reading stops above 256 KiB waiting to be written and resumes below 128 KiB. Netty's default
   * (32/64 KiB) toggles reading every few body pieces on a fast download; this keeps the bound per
   * connection small (a few hundred KiB) while letting a large body flow in long runs.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 256 * 1024);

  private Buffers() {}
}
