package org.exitfilter.abuse;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Map;
import org.exitfilter.requests.mail.Untrusted;
import org.exitfilter.template.TemplateFolder;

/**
 * The drafts' templates, in Mustache as the notice's pages are (mustache.java, logic-less, so an
 * operator's template can show values and sections and cannot run code): the built-in {@code
 * forward.LANG.txt} and {@code feedback.LANG.txt}, each replaced by the file of the same name in
 * the operator's folder ({@code abuse/templates/}) when there is one, looked up and reported as the
 * notice's are ({@link TemplateFolder}).
 *
 * <p>A template is an optional {@code Subject:} line, a blank line, then the text. The two are
 * rendered apart, so that no value can move text from the body into the header or back; the
 * rendered subject is put on one line by {@link Untrusted#oneLine} (and {@link Draft} refuses line
 * breaks in a header, the last guard). Mail is plain text: {@code {{x}}} is not HTML-escaped here,
 * unlike on the notice.
 *
 * <p>Templates are read on every use: a desk lives for one command, and an operator's edit takes
 * effect at the next one.
 */
final class DraftTemplates {
  private static final String BUILT_IN = "/org/exitfilter/abuse/";
  private static final String SUBJECT = "Subject:";

  private final TemplateFolder folder;

  /** A rendered template. */
  record Rendered(String subject, String body) {}

  /**
   * @param overrides the operator's folder; it need not exist
   */
  DraftTemplates(Path overrides) {
    this.folder = new TemplateFolder(overrides, BUILT_IN);
  }

  /**
   * Renders template {@code name} with {@code scope}; a {@code null} value is empty, and false in a
   * section.
   *
   * @throws IOException naming the file and line of a broken template, or a missing built-in one
   */
  Rendered render(String name, Map<String, ?> scope) throws IOException {
    String text = folder.read(name).replace("\r\n", "\n");
    String subject = "";
    String body = text;
    int skipped = 0;
    if (text.startsWith(SUBJECT)) {
      int end = text.indexOf('\n');
      subject = text.substring(SUBJECT.length(), end < 0 ? text.length() : end);
      body = end < 0 ? "" : text.substring(end + 1);
      skipped = end < 0 ? 0 : 1;
      if (body.startsWith("\n")) {
        body = body.substring(1);
        skipped++;
      }
    }
    // The body is compiled after as many empty lines as the subject took, so that an error in it
    // is reported at its line in the file; they are cut from the output again.
    String renderedBody = execute(name, "\n".repeat(skipped) + body, scope).substring(skipped);
    String renderedSubject = Untrusted.oneLine(execute(name, subject, scope));
    return new Rendered(renderedSubject == null ? "" : renderedSubject, renderedBody);
  }

  private String execute(String name, String template, Map<String, ?> scope) throws IOException {
    try {
      Mustache mustache = new PlainTextFactory().compile(new StringReader(template), name);
      StringWriter out = new StringWriter(template.length() * 2);
      mustache.execute(out, scope);
      return out.toString();
    } catch (MustacheException e) {
      throw new IOException(folder.describe(e, name), e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Mustache for plain-text mail: values are written as they are, not HTML-escaped; partials are
   * refused, so that a template is the one file it says it is.
   */
  private static final class PlainTextFactory extends DefaultMustacheFactory {
    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Mustache compilePartial(String name) {
      throw new MustacheException("partials ({{> " + name + "}}) are not supported in drafts");
    }
  }
}
