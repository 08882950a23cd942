package org.exitfilter.requests.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.exitfilter.config.AtomicWrite;
import org.exitfilter.requests.RequestException;

/**
 * The {@code requests/} folder: one {@code ID.yaml} per request, each written atomically. Reading
 * checks every file and reports every problem of every file at once.
 */
public final class RequestStore {
  /**
   * What an id may look like: also what keeps an id given on the command line inside the folder.
   */
  private static final Pattern ID = Pattern.compile("[0-9a-z][0-9a-z-]{0,63}");

  private final Path folder;

  public RequestStore(Path folder) {
    this.folder = folder;
  }

  public Path folder() {
    return folder;
  }

  /** Every request, sorted by id (so by import day). */
  public List<BanRequest> all() throws IOException, RequestException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(folder)) {
      files =
          listing
              .filter(p -> p.getFileName().toString().endsWith(".yaml"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted(Comparator.comparing(Path::getFileName))
              .toList();
    }
    List<BanRequest> requests = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      try {
        requests.add(RequestFile.read(file, Files.readString(file, StandardCharsets.UTF_8)));
      } catch (RequestException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new RequestException(RequestException.Kind.INVALID_FILE, String.join("\n", problems));
    }
    return requests;
  }

  /**
   * The request with this id.
   *
   * @throws RequestException {@link RequestException.Kind#UNKNOWN_REQUEST} when there is none
   */
  public BanRequest get(String id) throws IOException, RequestException {
    if (!ID.matcher(id).matches()) {
      throw new RequestException(
          RequestException.Kind.UNKNOWN_REQUEST, "'" + id + "' is not a request id");
    }
    Path file = file(id);
    try {
      return RequestFile.read(file, Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new RequestException(
          RequestException.Kind.UNKNOWN_REQUEST,
          "no request " + id + " in " + folder + " (exitfilter requests list shows them)");
    }
  }

  public void save(BanRequest request) throws IOException {
    Files.createDirectories(folder);
    AtomicWrite.replace(
        file(request.id()), RequestFile.write(request).getBytes(StandardCharsets.UTF_8));
  }

  /** A new id for a request imported on {@code day}, not used by any file yet. */
  public String newId(LocalDate day) {
    while (true) {
      String id = day + "-" + Tokens.idSuffix();
      if (!Files.exists(file(id))) {
        return id;
      }
    }
  }

  private Path file(String id) {
    return folder.resolve(id + ".yaml");
  }
}
