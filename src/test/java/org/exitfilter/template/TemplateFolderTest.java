package org.exitfilter.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's templates over the built-in ones, and a broken one named by file and line. */
class TemplateFolderTest {
  private static final String BUILT_IN = "/org/exitfilter/abuse/";

  @TempDir Path dir;

  @Test
  void theOperatorsFileReplacesTheBuiltInOneOfTheSameName() throws IOException {
    TemplateFolder folder = new TemplateFolder(dir, BUILT_IN);
    String builtIn = folder.read("forward.en.txt");

    Files.writeString(dir.resolve("forward.en.txt"), "Subject: ours\n\nOur text.\n");

    assertThat(builtIn).as("the built-in one, while the folder has none").isNotBlank();
    assertThat(folder.read("forward.en.txt")).isEqualTo("Subject: ours\n\nOur text.\n");
  }

  @Test
  void aNameThatIsNotAPlainFileNameReachesNoFile() throws IOException {
    Files.writeString(dir.resolve("secret.txt"), "not a template");
    TemplateFolder folder = new TemplateFolder(dir.resolve("templates"), BUILT_IN);

    assertThat(folder.has("../secret.txt")).isFalse();
    assertThat(folder.has(".hidden")).isFalse();
    assertThat(folder.getReader("../secret.txt")).isNull();
    assertThatThrownBy(() -> folder.read("missing.en.txt"))
        .isInstanceOf(IOException.class)
        .hasMessage("built-in template missing.en.txt missing");
  }

  @Test
  void aBrokenTemplateIsNamedByTheFileItCameFromAndItsLine() throws IOException {
    Path broken = dir.resolve("page.en.mustache");
    Files.writeString(broken, "<p>\n{{#open}}\n</p>\n");
    TemplateFolder folder = new TemplateFolder(dir, BUILT_IN);

    MustacheException e =
        catchThrowableOfType(
            MustacheException.class,
            () -> new DefaultMustacheFactory(folder).compile("page.en.mustache"));

    assertThat(folder.describe(e, "page.en.mustache"))
        .startsWith(broken + ":")
        .contains(": error: ")
        .doesNotContain("@[");
  }
}
