package org.exitfilter.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code shared-lists:} of {@code exitfilter.yaml}, every problem at its own place. */
final class SharedListsReader {
  private static final List<String> KEYS =
      List.of("name", "git", "branch", "path", "allowed-signers", "refresh", "required");
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
  private static final Set<String> SCHEMES = Set.of("https", "http", "ssh", "git", "file");

  /** {@code [user@]host:path}, which git and JGit read as ssh. */
  private static final Pattern SCP_LIKE = Pattern.compile("(?:[^@/:\\s]+@)?[^@/:\\s]+:[^\\s]+");

  /** A fetch more often than this would load the server for nothing a network needs. */
  private static final Duration MIN_REFRESH = Duration.ofSeconds(1);

  private SharedListsReader() {}

  static List<SharedListConfig> read(Values values, YamlNode.Field section, Path configFile) {
    List<SharedListConfig> lists = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlNode item :
        values.list(section, "a list of shared lists, each with name:, git:, path: and more")) {
      if (!(item instanceof YamlNode.Mapping mapping)) {
        values.problem(
            item.where(),
            "a shared list is a mapping with name:, git:, path: and allowed-signers:, not "
                + item.describe());
        continue;
      }
      SharedListConfig list = readOne(values, mapping, configFile, names);
      if (list != null) {
        lists.add(list);
      }
    }
    return lists;
  }

  private static SharedListConfig readOne(
      Values values, YamlNode.Mapping mapping, Path configFile, Set<String> names) {
    String name = null;
    String git = null;
    String branch = "main";
    String path = null;
    Path allowedSigners = null;
    Duration refresh = SharedListConfig.DEFAULT_REFRESH;
    boolean required = false;
    boolean bad = false;
    for (YamlNode.Field field : mapping.fields) {
      YamlNode.Scalar scalar;
      switch (field.key()) {
        case "name" -> {
          scalar = values.scalar(field);
          if (scalar != null && !NAME.matcher(scalar.text()).matches()) {
            values.problem(
                scalar.where(),
                "invalid shared list name '"
                    + scalar.text()
                    + "': use lower-case letters, digits and '-', such as cascade");
            bad = true;
          } else if (scalar != null && !names.add(scalar.text())) {
            values.problem(
                scalar.where(), "shared list name '" + scalar.text() + "' is used twice");
            bad = true;
          } else if (scalar != null) {
            name = scalar.text();
          }
        }
        case "git" -> {
          scalar = values.scalar(field);
          String problem = scalar == null ? null : gitUrlProblem(scalar.text().trim());
          if (problem != null) {
            values.problem(scalar.where(), problem);
            bad = true;
          } else if (scalar != null) {
            git = scalar.text().trim();
          }
        }
        case "branch" -> {
          scalar = values.scalar(field);
          if (scalar != null && !validBranch(scalar.text())) {
            values.problem(
                scalar.where(),
                "invalid branch '" + scalar.text() + "': write a name such as main");
            bad = true;
          } else if (scalar != null) {
            branch = scalar.text();
          }
        }
        case "path" -> {
          scalar = values.scalar(field);
          if (scalar != null && !validRepoPath(scalar.text())) {
            values.problem(
                scalar.where(),
                "invalid path '"
                    + scalar.text()
                    + "': a file inside the repository, relative and without '..',"
                    + " such as blocklist.yaml");
            bad = true;
          } else if (scalar != null) {
            path = scalar.text();
          }
        }
        case "allowed-signers" -> {
          scalar = values.scalar(field);
          if (scalar != null) {
            Path file = configFile.resolveSibling(scalar.text());
            if (Files.isRegularFile(file) && Files.isReadable(file)) {
              allowedSigners = file.toAbsolutePath().normalize();
            } else {
              values.problem(
                  scalar.where(),
                  "allowed-signers: "
                      + file
                      + (Files.exists(file) ? " is not a readable file" : " not found")
                      + " (an OpenSSH allowed signers file; a relative path is relative to the"
                      + " configuration's folder)");
              bad = true;
            }
          }
        }
        case "refresh" -> {
          Duration d = values.duration(field);
          if (d != null && d.compareTo(MIN_REFRESH) < 0) {
            values.problem(field.value().where(), "refresh must be at least 1s");
            bad = true;
          } else if (d != null) {
            refresh = d;
          }
        }
        case "required" -> {
          Boolean b = values.bool(field);
          required = b != null && b;
        }
        default -> {
          values.problem(field.where(), Keys.unknown(field.key(), KEYS));
          bad = true;
        }
      }
    }
    bad |= missing(values, mapping, "name", name == null && !has(mapping, "name"));
    bad |= missing(values, mapping, "git", git == null && !has(mapping, "git"));
    bad |= missing(values, mapping, "path", path == null && !has(mapping, "path"));
    bad |=
        missing(
            values,
            mapping,
            "allowed-signers",
            allowedSigners == null && !has(mapping, "allowed-signers"));
    if (bad || name == null || git == null || path == null || allowedSigners == null) {
      return null;
    }
    return new SharedListConfig(name, git, branch, path, allowedSigners, refresh, required);
  }

  private static boolean has(YamlNode.Mapping mapping, String key) {
    return mapping.fields.stream().anyMatch(f -> f.key().equals(key));
  }

  private static boolean missing(
      Values values, YamlNode.Mapping mapping, String key, boolean isMissing) {
    if (isMissing) {
      values.problem(mapping.where(), "a shared list needs " + key + ":");
    }
    return isMissing;
  }

  /** Why {@code url} is not a git URL JGit fetches, or {@code null} when it is one. */
  static String gitUrlProblem(String url) {
    if (SCP_LIKE.matcher(url).matches() && !url.contains("://")) {
      return null;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!SCHEMES.contains(scheme)) {
        return "git: '"
            + url
            + "' is not a git URL; use https://, ssh://, git:// or file://, such as"
            + " https://bans.example.net/cascade.git";
      }
      if (!scheme.equals("file") && (uri.getHost() == null || uri.getHost().isEmpty())) {
        return "git: '" + url + "' names no host";
      }
      if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
        return "git: '" + url + "' names no repository";
      }
      return null;
    } catch (URISyntaxException e) {
      return "git: '" + url + "' is not a URL: " + e.getReason();
    }
  }

  private static boolean validBranch(String branch) {
    return !branch.isEmpty()
        && !branch.startsWith("-")
        && !branch.startsWith("/")
        && !branch.endsWith("/")
        && !branch.contains("..")
        && branch.chars().noneMatch(c -> c <= ' ' || "~^:?*[\\".indexOf(c) >= 0);
  }

  private static boolean validRepoPath(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
