package org.exitfilter.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.exitfilter.config.Rule;

/**
 * The HTML page a refused request gets, from the operator's template or the built-in one. The
 * template may use {@code {{host}}} and {{reason}}; both are HTML-escaped, since the host comes
 * from the user and the reason from whoever asked for the ban.
 */
final class BlockPage {
  private static final String DEFAULT_REASON =
      "The owner of this site asked that it not be reachable through this service.";

  /**
   * The page shipped inside the program (a copy of conf/blockpage.html), for configs naming none.
   */
  private static final String BUILT_IN = "blockpage.html";

  private final String template;

  private BlockPage(String template) {
    this.template = template;
  }

  /**
   * The operator's template, or the built-in page when {@code file} is {@code null}.
   *
   * @throws IOException when the file cannot be read
   */
  static BlockPage load(Path file) throws IOException {
    return file == null ? builtIn() : new BlockPage(Files.readString(file, StandardCharsets.UTF_8));
  }

  static BlockPage builtIn() throws IOException {
    try (InputStream in = BlockPage.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException("the built-in " + BUILT_IN + " is missing from the build");
      }
      return new BlockPage(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static BlockPage of(String template) {
    return new BlockPage(template);
  }

  String render(String host, Rule rule) {
    String reason = rule == null || rule.reason() == null ? DEFAULT_REASON : rule.reason();
    if (rule != null && rule.source().shared()) {
      // A shared list's entry names its public source (list, commit, file, line); the operator's
      // own entries do not, since their source is a path on this machine.
      reason = reason + " (" + rule.source().published() + ")";
    }
    return template.replace("{{host}}", escape(host)).replace("{{reason}}", escape(reason));
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
