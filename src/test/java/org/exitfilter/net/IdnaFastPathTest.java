package org.exitfilter.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ASCII fast path of {@link IdnaNames} must give exactly what ICU's UTS #46 gives. */
class IdnaFastPathTest {
  private static final String ALPHABET = "abcxnzAXNZ019-_.";

  @Test
  void fastPathAgreesWithUts46OnRandomAsciiNames() throws Exception {
    Random random = new Random(46);
    int fastPathTaken = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder name = new StringBuilder();
      int length = 1 + random.nextInt(24);
      for (int i = 0; i < length; i++) {
        name.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String text = name.toString();
      if (!IdnaNames.isPlainAscii(text)) {
        continue;
      }
      fastPathTaken++;
      String expected;
      try {
        expected = IdnaNames.viaUts46(text);
      } catch (InvalidHostException e) {
        assertThatThrownBy(() -> IdnaNames.toAscii(text))
            .as("UTS #46 refuses %s, so must the fast path", text)
            .isInstanceOf(InvalidHostException.class);
        continue;
      }
      assertThat(IdnaNames.toAscii(text)).as(text).isEqualTo(expected);
    }
    assertThat(fastPathTaken).as("the generator exercises the fast path").isGreaterThan(1_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"xn--bcher-kva.test", "a.XN--bcher-kva.test", "Xn--fa-hia.de", "xN--a"})
  void punycodeLabelsAlwaysGoThroughUts46(String name) {
    assertThat(IdnaNames.isPlainAscii(name)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bücher.test", "faß.de", "ａ.test", "a*b.test", "a~b.test"})
  void anythingButLettersDigitsHyphenUnderscoreAndDotsGoesThroughUts46(String name) {
    assertThat(IdnaNames.isPlainAscii(name)).isFalse();
  }
}
