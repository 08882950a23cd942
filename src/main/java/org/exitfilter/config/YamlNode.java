package org.exitfilter.config;

import com.fasterxml.jackson.core.JsonToken;
import java.util.ArrayList;
import java.util.List;

/**
 * A YAML value with the place it was written, so that every later check can point the operator at
 * the exact line and column. Containers cut short by a syntax error, or missing a value that was
 * refused while reading, say so through {@link #whole()}, and checks for missing keys skip them.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

  /** Where the value starts. */
  Source where();

  /** What the value is, for messages: "a list", "a mapping", "text", "a number". */
  String describe();

  /**
   * A single value. The text is the value as written (without quotes), whatever YAML type it
   * resolved to, so {@code no} (Norway's TLD) stays {@code "no"} and not {@code false}. {@code end}
   * is just after its last character; for a block scalar ({@code |}, {@code >}) that is the start
   * of the line after it, so an editor of the text can tell which lines the value covers.
   */
  record Scalar(String text, JsonToken token, Source where, Source end) implements YamlNode {
    boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }

    @Override
    public String describe() {
      return switch (token) {
        case VALUE_NULL -> "nothing";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "true/false";
        default -> "text";
      };
    }
  }

  /** A key with its value. */
  record Field(String key, Source where, YamlNode value) {}

  /** A mapping, fields in file order, each key at most once. */
  final class Mapping implements YamlNode {
    private final Source where;
    final List<Field> fields = new ArrayList<>();
    boolean complete;
    boolean damaged;

    Mapping(Source where) {
      this.where = where;
    }

    @Override
    public Source where() {
      return where;
    }

    @Override
    public String describe() {
      return "a mapping";
    }

    /** Whether every field was read, so that a missing key really is missing. */
    boolean whole() {
      return complete && !damaged;
    }

    Field field(String key) {
      for (Field f : fields) {
        if (f.key().equals(key)) {
          return f;
        }
      }
      return null;
    }
  }

  /** A list, items in file order. */
  final class Sequence implements YamlNode {
    private final Source where;
    final List<YamlNode> items = new ArrayList<>();

    Sequence(Source where) {
      this.where = where;
    }

    @Override
    public Source where() {
      return where;
    }

    @Override
    public String describe() {
      return "a list";
    }
  }
}
