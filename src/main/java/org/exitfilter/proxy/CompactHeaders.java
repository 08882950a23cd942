package org.exitfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.DefaultHeaders.NameValidator;
import io.netty.handler.codec.DefaultHeaders.ValueValidator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Collections;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The fields of one decoded message in one array, names and values side by side, in the order they
 * were added: what {@code DefaultHttpHeaders} holds in a 16-slot hash table and an entry object per
 * field. A proxied message has a handful of fields and every lookup is a short scan, so the table
 * buys nothing; the array is made at the first field.
 *
 * <p>It behaves as {@code DefaultHttpHeaders} does where the proxy or Netty can tell: names compare
 * without regard to case, {@code get} gives the first value, {@code set} removes every field of the
 * name and appends the new one at the end, values are converted as there (a {@link Date} or {@link
 * Calendar} as an HTTP date, anything else by {@code toString()} unless it is a {@code
 * CharSequence}), and names and values pass Netty's default validators (for trailers, its trailer
 * validators, which also refuse the framing fields), so a decoder using it rejects what it rejected
 * before.
 *
 * <p>One difference, for the sake of the per-request cost: {@link #iteratorCharSequence()} hands
 * out the iterator itself as the entry, so an entry is only valid until the next call to {@code
 * next()}. Netty's encoders and {@code toString} read each entry at once, as {@link HopByHop} does;
 * code that keeps entries must use {@link #entries()} or {@link #iterator()}, which copy.
 */
final class CompactHeaders extends HttpHeaders {
  /** Fields of a message head when nothing better is known. */
  private static final int FIRST_CAPACITY = 8;

  /** Trailers are rare; a message that has some has a few. */
  private static final int TRAILER_CAPACITY = 4;

  private final NameValidator<CharSequence> nameValidator;
  private final ValueValidator<CharSequence> valueValidator;

  /** Name of field i at 2i, its value at 2i + 1; null until the first field. */
  private CharSequence[] fields;

  private int size;

  /** Fields the array is first made for. */
  private final int firstCapacity;

  private CompactHeaders(
      NameValidator<CharSequence> nameValidator,
      ValueValidator<CharSequence> valueValidator,
      int firstCapacity) {
    this.nameValidator = nameValidator;
    this.valueValidator = valueValidator;
    this.firstCapacity = firstCapacity;
  }

  /** For the message heads of one connection's decoder; see {@link PerConnection}. */
  static PerConnection perConnection() {
    return new PerConnection();
  }

  /**
   * Makes the headers of one connection's message heads, validated as Netty's default headers are,
   * each sized for as many fields as the connection's last head had: a client sends much the same
   * head each time and an origin answers with much the same, so the array neither grows nor wastes
   * slots. The decoder reports each head it decoded through {@link #decoded}; both run on the
   * connection's event loop.
   *
   * <p>Its {@link #trailers()} make the trailers of the connection's messages: only a chunked
   * message can have trailer fields, so the last content of any other message (a body with a {@code
   * Content-Length}) gets Netty's empty, read-only {@link EmptyHttpHeaders}, as the decoder's own
   * {@code LastHttpContent.EMPTY_LAST_CONTENT} has, instead of an object per message.
   */
  static final class PerConnection implements HttpHeadersFactory {
    private final NameValidator<CharSequence> names =
        DefaultHttpHeadersFactory.headersFactory().getNameValidator();
    private final ValueValidator<CharSequence> values =
        DefaultHttpHeadersFactory.headersFactory().getValueValidator();
    private final NameValidator<CharSequence> trailerNames =
        DefaultHttpHeadersFactory.trailersFactory().getNameValidator();
    private final ValueValidator<CharSequence> trailerValues =
        DefaultHttpHeadersFactory.trailersFactory().getValueValidator();
    private int lastFieldCount = FIRST_CAPACITY;

    /** Whether the last head decoded is chunked, so that trailer fields may follow its body. */
    private boolean chunked;

    private final HttpHeadersFactory trailers =
        new HttpHeadersFactory() {
          @Override
          public HttpHeaders newHeaders() {
            return chunked
                ? new CompactHeaders(trailerNames, trailerValues, TRAILER_CAPACITY)
                : EmptyHttpHeaders.INSTANCE;
          }

          @Override
          public HttpHeaders newEmptyHeaders() {
            return newHeaders();
          }
        };

    private PerConnection() {}

    /**
     * The decoder has decoded this head. It must be told before it decodes anything of the body,
     * which {@code HttpObjectDecoder} allows: it hands over a chunked head on its own.
     */
    void decoded(HttpMessage head) {
      lastFieldCount = Math.max(1, head.headers().size());
      chunked = HttpUtil.isTransferEncodingChunked(head);
    }

    /**
     * For trailers, validated as Netty's default trailers are (which also refuses the framing
     * fields); read-only and empty unless the last head decoded is chunked.
     */
    HttpHeadersFactory trailers() {
      return trailers;
    }

    @Override
    public HttpHeaders newHeaders() {
      return new CompactHeaders(names, values, lastFieldCount);
    }

    @Override
    public HttpHeaders newEmptyHeaders() {
      return new CompactHeaders(names, values, FIRST_CAPACITY);
    }
  }

  // ------------------------------------------------------------------ lookups

  private int indexOf(CharSequence name, int from) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    for (int i = from; i < size; i++) {
      CharSequence candidate = fields[2 * i];
      if (candidate == name || AsciiString.contentEqualsIgnoreCase(candidate, name)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String get(String name) {
    return get((CharSequence) name);
  }

  @Override
  public String get(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : fields[2 * i + 1].toString();
  }

  @Override
  public Integer getInt(CharSequence name) {
    String value = get(name);
    if (value == null) {
      return null;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    Integer value = getInt(name);
    return value == null ? defaultValue : value;
  }

  @Override
  public Short getShort(CharSequence name) {
    String value = get(name);
    if (value == null) {
      return null;
    }
    try {
      return Short.parseShort(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    Short value = getShort(name);
    return value == null ? defaultValue : value;
  }

  @Override
  public Long getTimeMillis(CharSequence name) {
    int i = indexOf(name, 0);
    if (i < 0) {
      return null;
    }
    Date date = DateFormatter.parseHttpDate(fields[2 * i + 1]);
    return date == null ? null : date.getTime();
  }

  @Override
  public long getTimeMillis(CharSequence name, long defaultValue) {
    Long value = getTimeMillis(name);
    return value == null ? defaultValue : value;
  }

  @Override
  public List<String> getAll(String name) {
    return getAll((CharSequence) name);
  }

  @Override
  public List<String> getAll(CharSequence name) {
    int i = indexOf(name, 0);
    if (i < 0) {
      return Collections.emptyList();
    }
    int second = indexOf(name, i + 1);
    if (second < 0) {
      // The decoder asks for every message's Content-Length fields, and there is one at most.
      return Collections.singletonList(fields[2 * i + 1].toString());
    }
    List<String> values = new ArrayList<>(2);
    for (; i >= 0; i = indexOf(name, i + 1)) {
      values.add(fields[2 * i + 1].toString());
    }
    return values;
  }

  @Override
  public Iterator<String> valueStringIterator(CharSequence name) {
    Iterator<CharSequence> values = valueCharSequenceIterator(name);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return values.hasNext();
      }

      @Override
      public String next() {
        return values.next().toString();
      }
    };
  }

  @Override
  public Iterator<CharSequence> valueCharSequenceIterator(CharSequence name) {
    int first = indexOf(name, 0);
    if (first < 0) {
      return Collections.emptyIterator();
    }
    return new Iterator<>() {
      private int next = first;

      @Override
      public boolean hasNext() {
        return next >= 0;
      }

      @Override
      public CharSequence next() {
        if (next < 0) {
          throw new NoSuchElementException();
        }
        CharSequence value = fields[2 * next + 1];
        next = indexOf(name, next + 1);
        return value;
      }
    };
  }

  /** How many fields have this name. */
  int count(CharSequence name) {
    int count = 0;
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      count++;
    }
    return count;
  }

  @Override
  public boolean contains(String name) {
    return indexOf(name, 0) >= 0;
  }

  @Override
  public boolean contains(CharSequence name) {
    return indexOf(name, 0) >= 0;
  }

  /** Whether a field of the name has exactly this value, as {@code DefaultHttpHeaders} answers. */
  @Override
  public boolean contains(String name, String value, boolean ignoreCase) {
    return contains((CharSequence) name, value, ignoreCase);
  }

  @Override
  public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      CharSequence candidate = fields[2 * i + 1];
      if (ignoreCase
          ? AsciiString.contentEqualsIgnoreCase(candidate, value)
          : AsciiString.contentEquals(candidate, value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a field of the name lists {@code value} among its comma-separated, trimmed elements, as
   * Netty's {@code HttpHeaders} answers, without an iterator or a trimmed copy: {@code
   * HttpUtil.isKeepAlive} asks this of every message.
   */
  @Override
  public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      if (listsElement(fields[2 * i + 1], value, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  private static boolean listsElement(CharSequence list, CharSequence wanted, boolean ignoreCase) {
    int start = 0;
    while (true) {
      int comma = AsciiString.indexOf(list, ',', start);
      int end = comma < 0 ? list.length() : comma;
      // After a comma, an empty rest is no element (as in Netty).
      if (comma >= 0 || start == 0 || start < end) {
        int from = start;
        int to = end;
        while (from < to && list.charAt(from) <= ' ') {
          from++;
        }
        while (to > from && list.charAt(to - 1) <= ' ') {
          to--;
        }
        if (to - from == wanted.length()
            && AsciiString.regionMatches(list, ignoreCase, from, wanted, 0, to - from)) {
          return true;
        }
      }
      if (comma < 0) {
        return false;
      }
      start = comma + 1;
    }
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < size; i++) {
      if (indexOf(fields[2 * i], 0) == i) {
        names.add(fields[2 * i].toString());
      }
    }
    return names;
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    List<Map.Entry<String, String>> entries = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      entries.add(
          new SimpleImmutableEntry<>(fields[2 * i].toString(), fields[2 * i + 1].toString()));
    }
    return entries;
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    return entries().iterator();
  }

  /**
   * Each entry is the iterator itself, valid until the next {@code next()}. Read-only, as Netty's.
   */
  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return new Cursor();
  }

  private final class Cursor
      implements Iterator<Map.Entry<CharSequence, CharSequence>>,
          Map.Entry<CharSequence, CharSequence> {
    private int next;
    private int current;

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public Map.Entry<CharSequence, CharSequence> next() {
      if (next >= size) {
        throw new NoSuchElementException();
      }
      current = next++;
      return this;
    }

    @Override
    public CharSequence getKey() {
      return fields[2 * current];
    }

    @Override
    public CharSequence getValue() {
      return fields[2 * current + 1];
    }

    @Override
    public CharSequence setValue(CharSequence value) {
      CharSequence checked = checkedValue(fields[2 * current], value);
      CharSequence old = fields[2 * current + 1];
      fields[2 * current + 1] = checked;
      return old;
    }

    @Override
    public String toString() {
      return getKey() + "=" + getValue();
    }
  }

  // ------------------------------------------------------------------ encoding

  private static final int COLON_AND_SPACE = (':' << 8) | ' ';
  private static final int CRLF = ('\r' << 8) | '\n';

  /**
   * Writes the fields as {@code HttpObjectEncoder.encodeHeaders} does, for the encoders that
   * override that hook: each as its name, {@code ": "}, its value and CRLF, names and values
   * through the same {@code ByteBuf} calls as Netty's (so the same bytes, obs-text included); by
   * index, where Netty's asks for an iterator per message.
   */
  void encode(ByteBuf buf) {
    for (int i = 0; i < size; i++) {
      encodeField(fields[2 * i], fields[2 * i + 1], buf);
    }
  }

  private static void encodeField(CharSequence name, CharSequence value, ByteBuf buf) {
    buf.ensureWritable(name.length() + value.length() + 4);
    writeAscii(name, buf);
    buf.writeShort(COLON_AND_SPACE);
    writeAscii(value, buf);
    buf.writeShort(CRLF);
  }

  private static void writeAscii(CharSequence text, ByteBuf buf) {
    if (text instanceof AsciiString ascii) {
      ByteBufUtil.copy(ascii, buf);
    } else {
      buf.writeCharSequence(text, CharsetUtil.US_ASCII);
    }
  }

  // ------------------------------------------------------------------ changes

  @Override
  public HttpHeaders add(String name, Object value) {
    return add((CharSequence) name, value);
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    append(checkedName(name), value);
    return this;
  }

  @Override
  public HttpHeaders add(String name, Iterable<?> values) {
    return add((CharSequence) name, values);
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    CharSequence checked = checkedName(name);
    for (Object value : values) {
      append(checked, value);
    }
    return this;
  }

  @Override
  public HttpHeaders addInt(CharSequence name, int value) {
    return add(name, Integer.toString(value));
  }

  @Override
  public HttpHeaders addShort(CharSequence name, short value) {
    return add(name, Short.toString(value));
  }

  @Override
  public HttpHeaders set(String name, Object value) {
    return set((CharSequence) name, value);
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    CharSequence checked = checkedName(name);
    CharSequence converted = checkedValue(checked, value);
    removeAll(checked);
    appendChecked(checked, converted);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Iterable<?> values) {
    return set((CharSequence) name, values);
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    CharSequence checked = checkedName(name);
    removeAll(checked);
    for (Object value : values) {
      append(checked, value);
    }
    return this;
  }

  @Override
  public HttpHeaders setInt(CharSequence name, int value) {
    return set(name, Integer.toString(value));
  }

  @Override
  public HttpHeaders setShort(CharSequence name, short value) {
    return set(name, Short.toString(value));
  }

  @Override
  public HttpHeaders remove(String name) {
    return remove((CharSequence) name);
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    removeAll(name);
    return this;
  }

  @Override
  public HttpHeaders clear() {
    if (fields != null) {
      Arrays.fill(fields, 0, 2 * size, null);
    }
    size = 0;
    return this;
  }

  private CharSequence checkedName(CharSequence name) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    nameValidator.validateName(name);
    return name;
  }

  private CharSequence checkedValue(CharSequence name, Object value) {
    if (value == null) {
      throw new NullPointerException("value");
    }
    CharSequence converted;
    if (value instanceof CharSequence sequence) {
      converted = sequence;
    } else if (value instanceof Date date) {
      converted = DateFormatter.format(date);
    } else if (value instanceof Calendar calendar) {
      converted = DateFormatter.format(calendar.getTime());
    } else {
      converted = value.toString();
    }
    try {
      valueValidator.validate(converted);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Validation failed for header '" + name + "'", e);
    }
    return converted;
  }

  private void append(CharSequence checkedName, Object value) {
    appendChecked(checkedName, checkedValue(checkedName, value));
  }

  private void appendChecked(CharSequence name, CharSequence value) {
    if (fields == null) {
      fields = new CharSequence[2 * firstCapacity];
    } else if (2 * size == fields.length) {
      fields = Arrays.copyOf(fields, 2 * fields.length);
    }
    fields[2 * size] = name;
    fields[2 * size + 1] = value;
    size++;
  }

  private void removeAll(CharSequence name) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i)) {
      removeAt(i);
    }
  }

  private void removeAt(int i) {
    System.arraycopy(fields, 2 * i + 2, fields, 2 * i, 2 * (size - i - 1));
    size--;
    fields[2 * size] = null;
    fields[2 * size + 1] = null;
  }
}
