package org.exitfilter.requests.mail;

import java.io.IOException;
import java.io.Reader;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * How exitfilter reads mail with Apache James mime4j, the ban requests ({@link MailReader}) and the
 * abuse desk's complaints alike: permissive on purpose, since real mail is often slightly broken
 * (long lines, bad dates, unknown charsets) and must not be lost to a sloppy mailer; bounded, so
 * that one huge part cannot fill the memory.
 */
public final class LenientMime {
  /** Characters read from one body part; what a mail asks or reports stands near the top. */
  public static final int MAX_PART_CHARS = 1_000_000;

  private LenientMime() {}

  /** A message builder: permissive MIME, silent decoding, lenient header fields. */
  public static DefaultMessageBuilder messageBuilder() {
    DefaultMessageBuilder builder = new DefaultMessageBuilder();
    builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
    builder.setDecodeMonitor(DecodeMonitor.SILENT);
    builder.setFieldParser(LenientFieldParser.getParser());
    builder.setBodyFactory(new BasicBodyFactory(true));
    return builder;
  }

  /** A text part's text, at most {@link #MAX_PART_CHARS} of it. */
  public static String text(TextBody body) throws IOException {
    StringBuilder out = new StringBuilder();
    char[] buffer = new char[8192];
    try (Reader reader = body.getReader()) {
      int n;
      while (out.length() < MAX_PART_CHARS && (n = reader.read(buffer)) > 0) {
        out.append(buffer, 0, Math.min(n, MAX_PART_CHARS - out.length()));
      }
    }
    return out.toString();
  }
}
