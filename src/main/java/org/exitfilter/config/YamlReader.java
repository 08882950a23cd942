package org.exitfilter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one YAML document into {@link YamlNode}s that remember their line and column. Built on
 * Jackson's streaming parser because it gives the exact location of every key and value.
 *
 * <p>A syntax error ends the reading, but what was read before it is kept (its containers not
 * {@linkplain YamlNode.Mapping#whole() whole}), so the caller can still report the problems in the
 * part of the file before the error.
 */
final class YamlReader {
  private static final YAMLFactory FACTORY = factory();

  private final Path file;
  private final Problems problems;
  private final Deque<Object> open = new ArrayDeque<>();
  private final Deque<Map<String, Source>> openKeys = new ArrayDeque<>();
  private YamlNode root;
  private String key;
  private Source keyWhere;

  private YamlReader(Path file, Problems problems) {
    this.file = file;
    this.problems = problems;
  }

  private static YAMLFactory factory() {
    LoaderOptions options = new LoaderOptions();
    // SnakeYAML refuses documents over 3 MB by default; a blocklist may well be larger.
    options.setCodePointLimit(Integer.MAX_VALUE);
    // The builder starts without the parser's default features; without this one an empty value
    // ("bans:") reads as the empty string instead of nothing.
    return YAMLFactory.builder()
        .loaderOptions(options)
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .build();
  }

  /**
   * Reads the document, reporting syntax errors, duplicate keys, aliases and extra documents to
   * {@code problems}.
   *
   * @return the root value, or {@code null} for an empty document
   */
  static YamlNode read(Path file, byte[] bytes, Problems problems) throws IOException {
    YamlReader reader = new YamlReader(file, problems);
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      reader.readAll(parser);
    } catch (JsonProcessingException e) {
      reader.syntaxError(e);
    }
    return reader.root;
  }

  private void readAll(JsonParser parser) throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != null) {
      Source where = source(parser.currentTokenLocation());
      switch (token) {
        case FIELD_NAME -> {
          key = parser.currentName();
          keyWhere = where;
        }
        case START_OBJECT -> {
          YamlNode.Mapping mapping = new YamlNode.Mapping(where);
          attach(mapping);
          open.push(mapping);
          openKeys.push(new HashMap<>());
        }
        case START_ARRAY -> {
          YamlNode.Sequence sequence = new YamlNode.Sequence(where);
          attach(sequence);
          open.push(sequence);
        }
        case END_OBJECT -> {
          ((YamlNode.Mapping) open.pop()).complete = true;
          openKeys.pop();
        }
        case END_ARRAY -> open.pop();
        default -> {
          if (((YAMLParser) parser).isCurrentAlias()) {
            problems.add(
                where,
                "aliases (*" + parser.getText() + ") are not supported; write the value out");
            damage();
          } else {
            attach(
                new YamlNode.Scalar(
                    parser.getText(), token, where, source(parser.currentLocation())));
          }
        }
      }
      if (open.isEmpty()) {
        JsonToken next = parser.nextToken();
        if (next != null) {
          problems.add(
              source(parser.currentTokenLocation()),
              "a second YAML document starts here; put everything in one document");
        }
        return;
      }
    }
  }

  /** Hangs a new value on the open container (or makes it the root) before it is filled. */
  private void attach(YamlNode node) {
    Object parent = open.peek();
    if (parent == null) {
      root = node;
    } else if (parent instanceof YamlNode.Sequence sequence) {
      sequence.items.add(node);
    } else {
      YamlNode.Mapping mapping = (YamlNode.Mapping) parent;
      Source first = openKeys.peek().putIfAbsent(key, keyWhere);
      if (first == null) {
        mapping.fields.add(new YamlNode.Field(key, keyWhere, node));
      } else {
        problems.add(
            keyWhere, "duplicate key '" + key + "'; it is already set at line " + first.line());
        mapping.damaged = true;
      }
    }
  }

  /** A value was refused: the mapping holding it must not be judged as if the key were absent. */
  private void damage() {
    if (open.peek() instanceof YamlNode.Mapping mapping) {
      mapping.damaged = true;
    }
  }

  private void syntaxError(JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
        Mark mark = marked.getProblemMark();
        String message = "YAML syntax error: " + oneLine(marked.getProblem());
        if (marked.getContext() != null && marked.getContextMark() != null) {
          message +=
              " ("
                  + oneLine(marked.getContext())
                  + " that starts at line "
                  + (marked.getContextMark().getLine() + 1)
                  + ", column "
                  + (marked.getContextMark().getColumn() + 1)
                  + ")";
        }
        problems.add(new Source(file, mark.getLine() + 1, mark.getColumn() + 1), message);
        return;
      }
    }
    problems.add(source(e.getLocation()), "YAML syntax error: " + oneLine(e.getOriginalMessage()));
  }

  private static String oneLine(String text) {
    return text == null ? "unreadable YAML" : text.replaceAll("\\s+", " ").trim();
  }

  private Source source(JsonLocation location) {
    return location == null
        ? new Source(file, 1, 0)
        : new Source(file, location.getLineNr(), Math.max(location.getColumnNr(), 0));
  }
}
