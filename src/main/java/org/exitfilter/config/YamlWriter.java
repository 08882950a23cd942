package org.exitfilter.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the YAML that exitfilter itself writes (request files, the lines of a ban that {@code
 * approve} adds) with Jackson, laid out for people and for {@code git diff}: block style, keys in
 * the order of the tree, list items indented under their key, no document marker, long lines never
 * folded, and every text double-quoted so that nothing reads back as a number, a date, a boolean or
 * null. Only the values of the keys the caller names plain (keywords such as {@code state:
 * approved}, and ISO dates) are written without quotes, and only when they are a lower-case word or
 * a date.
 *
 * <p>With quotes minimized, Jackson writes a text holding a line break as a literal block, and
 * SnakeYAML writes NEL, LS and PS into such a block unescaped, so they read back as line breaks. A
 * tree holding a multi-line text is therefore written with every value double-quoted.
 */
public final class YamlWriter {
  private static final YAMLMapper CODEC = new YAMLMapper();

  private static final Pattern PLAIN =
      Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]+)*|[0-9]{4}-[0-9]{2}-[0-9]{2}");

  /** Words YAML 1.1 reads as booleans or null even in lower case. */
  private static final Set<String> KEYWORDS =
      Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

  private YamlWriter() {}

  /**
   * The YAML text of {@code tree}, ending with a line break.
   *
   * @param plainKeys the keys whose values may be written without quotes
   */
  public static String write(JsonNode tree, Set<String> plainKeys) {
    boolean multiLine = hasMultiLineText(tree);
    YAMLFactory factory =
        YAMLFactory.builder()
            .stringQuotingChecker(new KeyAwareQuoting(plainKeys))
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .configure(YAMLGenerator.Feature.MINIMIZE_QUOTES, !multiLine)
            .build();
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = factory.createGenerator(out)) {
      CODEC.writeTree(generator, tree);
    } catch (IOException e) {
      throw new UncheckedIOException("writing YAML to a string", e);
    }
    return out.toString();
  }

  private static boolean hasMultiLineText(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue().indexOf('\n') >= 0;
    }
    for (JsonNode child : node) {
      if (hasMultiLineText(child)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Jackson asks about each key before writing its value, so remembering the last key tells whose
   * value is asked about. One instance per generator: it holds that state.
   */
  private static final class KeyAwareQuoting extends StringQuotingChecker {
    private final Set<String> plainKeys;
    private String key;

    KeyAwareQuoting(Set<String> plainKeys) {
      this.plainKeys = plainKeys;
    }

    @Override
    public boolean needToQuoteName(String name) {
      key = name;
      return !PLAIN.matcher(name).matches();
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return !(plainKeys.contains(key)
          && PLAIN.matcher(value).matches()
          && !KEYWORDS.contains(value));
    }
  }
}
