package org.axq;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;

/** What the test classes share: error expectations and a scratch directory. */
final class TestSupport {
  private TestSupport() {}

  /** Runs call, which must throw an AxqException of status whose message holds fragment. */
  static AxqException expect(AxqStatus status, String fragment, Runnable call) {
    try {
      call.run();
    } catch (AxqException e) {
      assertEquals(e.getMessage(), status, e.status());
      assertFalse(e.getMessage().isEmpty());
      assertTrue(e.getMessage(), e.getMessage().contains(fragment));
      return e;
    }
    fail("expected " + status);
    return null;
  }

  /** A test class whose tests each get a fresh directory, removed afterwards. */
  abstract static class WithScratchDir {
    protected Path dir;

    @Before
    public void makeDir() throws IOException {
      dir = Files.createTempDirectory("axq-java-test");
    }

    @After
    public void removeDir() throws IOException {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
