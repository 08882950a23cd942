package org.exitfilter.abuse;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The cases, one {@code ID.yaml} each in {@code abuse/} beside the blocklist, with the complaint as
 * received in {@code ID.eml}. Files are replaced whole (a temporary file renamed over).
 */
final class CaseStore {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private final Path folder;

  CaseStore(Path folder) {
    this.folder = folder;
  }

  Path folder() {
    return folder;
  }

  Path mail(String id) {
    return folder.resolve(id + ".eml");
  }

  Path file(String id) {
    return folder.resolve(id + ".yaml");
  }

  boolean exists(String id) {
    return Files.exists(file(id));
  }

  Optional<AbuseCase> get(String id) throws IOException {
    if (!id.matches("[0-9a-z-]{1,40}") || !exists(id)) {
      return Optional.empty();
    }
    return Optional.of(
        AbuseCase.fromFile(
            YAML.readValue(file(id).toFile(), new TypeReference<Map<String, Object>>() {})));
  }

  List<AbuseCase> all() throws IOException {
    List<AbuseCase> out = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return out;
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".yaml") && !name.startsWith(".")) {
          get(name.substring(0, name.length() - 5)).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  void save(AbuseCase c, byte[] mail) throws IOException {
    Files.createDirectories(folder);
    if (mail != null) {
      replace(mail(c.id()), mail);
    }
    replace(file(c.id()), YAML.writeValueAsBytes(c.file()));
  }

  static void replace(Path target, byte[] content) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      Files.write(temp, content);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + target + " atomically", e);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
