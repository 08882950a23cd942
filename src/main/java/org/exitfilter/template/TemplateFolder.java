package org.exitfilter.template;

import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheResolver;
import com.github.mustachejava.TemplateContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Templates an operator may override: each built-in template, a resource in one folder of the jar,
 * is replaced by the file of the same name in the operator's folder when there is one. The notice's
 * pages and the abuse desk's drafts both read their templates here, so that both take the same
 * names, look in the same order and report a broken template the same way, as {@code file:line:
 * error: message} naming the operator's file or {@code built-in NAME}.
 *
 * <p>A name is a plain file name ({@code [A-Za-z0-9._-]+}, not starting with a dot): nothing a
 * template names (a Mustache partial) reaches outside the two folders.
 */
public final class TemplateFolder implements MustacheResolver {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private final Path overrides;
  private final String builtIn;

  /**
   * @param overrides the operator's folder ({@code null} for none; it need not exist)
   * @param builtIn the folder of the built-in templates among the resources, e.g. {@code
   *     /org/exitfilter/abuse/}
   */
  public TemplateFolder(Path overrides, String builtIn) {
    this.overrides = overrides;
    this.builtIn = builtIn;
  }

  /** Whether there is a template {@code name}, the operator's or a built-in one. */
  public boolean has(String name) {
    return where(name) != null;
  }

  /**
   * The text of template {@code name}, the operator's file when there is one.
   *
   * @throws IOException when neither has it, or the file cannot be read
   */
  public String read(String name) throws IOException {
    Object where = where(name);
    if (where instanceof Path file) {
      return Files.readString(file, StandardCharsets.UTF_8);
    }
    if (where == null) {
      throw new IOException("built-in template " + name + " missing");
    }
    try (InputStream in = TemplateFolder.class.getResourceAsStream(builtIn + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * For Mustache: template {@code name}'s text, or {@code null} when there is none.
   *
   * @throws UncheckedIOException when the operator's file cannot be read
   */
  @Override
  public Reader getReader(String name) {
    Object where = where(name);
    try {
      if (where instanceof Path file) {
        return Files.newBufferedReader(file, StandardCharsets.UTF_8);
      }
      if (where != null) {
        InputStream in = TemplateFolder.class.getResourceAsStream(builtIn + name);
        return new InputStreamReader(in, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return null;
  }

  /**
   * {@code file:line: error: message} for a template that did not compile or render, with the file
   * the template came from; without a line (Mustache knows none), {@code file: error: message} for
   * {@code name}, the template compiled.
   */
  public String describe(MustacheException e, String name) {
    // Mustache wraps the error that knows the line in one that may not.
    MustacheException inner =
        e.getCause() instanceof MustacheException cause && cause.getContext() != null ? cause : e;
    String message = inner.getMessage();
    int at = message.lastIndexOf(" @[");
    message = at > 0 ? message.substring(0, at) : message;
    TemplateContext context = inner.getContext();
    if (context == null) {
      return label(name) + ": error: " + message;
    }
    return label(context.file()) + ":" + context.line() + ": error: " + message;
  }

  /** The operator's file or {@code built-in NAME}, as errors name a template; else the name. */
  private String label(String name) {
    Object where = where(name);
    return where == null ? name : where.toString();
  }

  /** The operator's file ({@link Path}), {@code "built-in NAME"}, or {@code null} for none. */
  private Object where(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.startsWith(".")) {
      return null;
    }
    if (overrides != null && Files.isRegularFile(overrides.resolve(name))) {
      return overrides.resolve(name);
    }
    return TemplateFolder.class.getResource(builtIn + name) != null ? "built-in " + name : null;
  }
}
