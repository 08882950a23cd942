package org.exitfilter.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.match.Matcher;
import org.exitfilter.reload.CurrentBlocklist;

/** A compiled blocklist snapshot from YAML text, for unit tests that need a matcher. */
public final class Blocklists {
  private Blocklists() {}

  /** Loads {@code yaml} as the proxy would (from a file, validated) and compiles it for today. */
  public static Matcher compile(String yaml) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("exitfilter-blocklist-");
      Path file = dir.resolve("blocklist.yaml");
      Files.writeString(file, yaml, UTF_8);
      return new CurrentBlocklist(BlocklistLoader.load(file), LocalDate.now(ZoneOffset.UTC)).get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("test blocklist is invalid: " + e.getMessage(), e);
    } finally {
      if (dir != null) {
        try (var files = Files.list(dir)) {
          for (Path p : (Iterable<Path>) files::iterator) {
            Files.delete(p);
          }
          Files.delete(dir);
        } catch (IOException ignored) {
          // a temp folder left behind is harmless
        }
      }
    }
  }
}
