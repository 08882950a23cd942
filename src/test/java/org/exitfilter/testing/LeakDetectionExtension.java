package org.exitfilter.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leak while it ran. Registered for every test class
 * through {@code META-INF/services/org.junit.jupiter.api.extension.Extension} with extension
 * auto-detection enabled in {@code junit-platform.properties}; runs after the class's
 * {@code @AfterAll} methods, so servers closed there are checked too.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

  static {
    // JUnit instantiates auto-detected extensions before it initializes any test class, which is
    // early enough for the detectors Netty creates in static initializers.
    LeakDetection.install();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    LeakDetection.assertNoLeaks(context.getRequiredTestClass().getName());
  }
}
