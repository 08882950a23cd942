package org.exitfilter.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameHashTest {

  @Test
  void twoCharacterStepEqualsTwoSingleSteps() {
    long hash = 12345;
    for (char right = 0; right < 300; right += 7) {
      for (char left = 0; left < 300; left += 11) {
        assertThat(NameHash.step2(hash, right, left))
            .isEqualTo(NameHash.step(NameHash.step(hash, right), left));
      }
    }
  }

  @Test
  void hashOfTextIsFedFromTheRight() {
    long walked = 0;
    for (char c : "www.example.org".toCharArray()) {
      walked = NameHash.step(walked, c);
    }
    assertThat(NameHash.of("gro.elpmaxe.www")).isEqualTo(walked);
    assertThat(NameHash.of("example.org")).isNotEqualTo(NameHash.of("example.com"));
  }
}
