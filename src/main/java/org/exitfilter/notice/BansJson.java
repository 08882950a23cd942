package org.exitfilter.notice;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import org.exitfilter.config.Rule;

/**
 * {@code /bans.json}, written a batch of entries at a time as the connection takes them: the
 * document is never whole in memory, and only a batch's rules exist at once.
 *
 * <p>The schema ({@value #SCHEMA}), stable: an object with {@code schema}, {@code operator}, {@code
 * day} (the UTC day the list is in force for), {@code count}, {@code sources} (an array of objects
 * with {@code list}, {@code commit} and {@code count}: per source of the list in force, the
 * operator's own first with list and commit null, then each shared list with its accepted commit,
 * abbreviated) and {@code bans}, an array of objects with {@code kind} (domain, host, pattern,
 * network), {@code value} (the normalized name, or the network in CIDR form), {@code ports} (an
 * array of numbers, or null for every port), {@code reason}, {@code requested-on} and {@code
 * expires} (YYYY-MM-DD, expires the last day the ban applies), {@code reference}, {@code source}
 * (the file the entry is in; for a shared list's entry {@code LIST@COMMIT:PATH:LINE}), {@code list}
 * (the shared list's name, null for the operator's own) and, only when the operator publishes
 * requesters, {@code requested-by}. Absent values are null. {@code sources} and {@code list} came
 * later within the same schema: a reader ignores keys it does not know.
 */
final class BansJson implements ChunkedInput<ByteBuf> {
  static final String SCHEMA = "exitfilter-bans/1";
  private static final int BATCH = 256;
  private static final JsonFactory JSON = new JsonFactory();

  private final BanList.View view;
  private final boolean requesters;
  private final SwitchableOutput out = new SwitchableOutput();
  private final JsonGenerator json;
  private int next;
  private boolean ended;
  private long progress;

  BansJson(BanList.View view, String operator, LocalDate day, boolean requesters)
      throws IOException {
    this.view = view;
    this.requesters = requesters;
    this.json = JSON.createGenerator(out);
    json.writeStartObject();
    json.writeStringField("schema", SCHEMA);
    json.writeStringField("operator", operator);
    json.writeStringField("day", day.toString());
    json.writeNumberField("count", view.size());
    json.writeArrayFieldStart("sources");
    for (BanList.Count count : view.counts()) {
      json.writeStartObject();
      json.writeStringField("list", count.list());
      json.writeStringField("commit", count.commit());
      json.writeNumberField("count", count.count());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("bans");
  }

  @Override
  public boolean isEndOfInput() {
    return ended;
  }

  @Override
  public void close() {
    ended = true;
  }

  @Override
  @Deprecated
  public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
    if (ended) {
      return null;
    }
    ByteBuf chunk = allocator.buffer(BATCH * 128);
    out.target = chunk;
    try {
      int end = Math.min(view.size(), next + BATCH);
      for (; next < end; next++) {
        write(view.get(next));
      }
      if (next == view.size()) {
        json.writeEndArray();
        json.writeEndObject();
        json.writeRaw('\n');
        json.close();
        ended = true;
      } else {
        json.flush();
      }
    } catch (IOException | RuntimeException e) {
      chunk.release();
      throw e;
    } finally {
      out.target = null;
    }
    progress += chunk.readableBytes();
    return chunk;
  }

  private void write(BanList.Ban ban) throws IOException {
    Rule rule = ban.rule();
    json.writeStartObject();
    json.writeStringField("kind", rule.kind().key());
    json.writeStringField("value", rule.value());
    json.writeFieldName("ports");
    if (rule.ports().isAll()) {
      json.writeNull();
    } else {
      int[] ports = rule.ports().toArray();
      json.writeArray(ports, 0, ports.length);
    }
    json.writeStringField("reason", rule.reason());
    json.writeStringField(
        "requested-on", rule.requestedOn() == null ? null : rule.requestedOn().toString());
    json.writeStringField("expires", rule.expires() == null ? null : rule.expires().toString());
    json.writeStringField("reference", rule.reference());
    json.writeStringField("source", rule.source().published());
    json.writeStringField("list", ban.list());
    if (requesters) {
      json.writeStringField("requested-by", rule.requestedBy());
    }
    json.writeEndObject();
  }

  @Override
  public long length() {
    return -1;
  }

  @Override
  public long progress() {
    return progress;
  }

  /** Sends the generator's bytes into the chunk being filled. */
  private static final class SwitchableOutput extends OutputStream {
    ByteBuf target;

    @Override
    public void write(int b) {
      target.writeByte(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      target.writeBytes(bytes, offset, length);
    }
  }
}
