package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.client.FakeFerry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * TEST ONLY: what the command tests share: {@code ferry} run in-process against a fresh standard
 * fake cluster ({@link FakeFerry#standardCluster()}) for each test, and how its outcome is checked.
 */
public abstract class FakeClusterTest {
  protected FakeFerry ferry;

  @BeforeEach
  void startCluster() {
    ferry = new FakeFerry().standardCluster();
  }

  @AfterEach
  void closeCluster() {
    ferry.close();
  }

  /** Runs {@code ferry args} against the cluster. */
  protected Cli.Result ferry(String... args) {
    return Cli.run(o -> ferry.client(), args);
  }

  /** Runs {@code ferry args}: it must exit 0 with nothing on stderr. */
  protected Cli.Result ok(String... args) {
    Cli.Result r = ferry(args);
    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    assertEquals("", r.err(), r.toString());
    return r;
  }

  /** Runs {@code ferry args}: it must be refused or fail as {@link #assertRefused} says. */
  protected Cli.Result refused(int status, String expected, String... args) {
    Cli.Result r = ferry(args);
    assertRefused(r, status, expected);
    return r;
  }

  /** Exit {@code status} and exactly one line on stderr, {@code ferry: error: ...expected...}. */
  public static void assertRefused(Cli.Result r, int status, String expected) {
    assertEquals(status, r.exit(), r.toString());
    assertEquals(1, r.err().lines().count(), r.toString());
    assertTrue(r.err().startsWith("ferry: error: "), r.toString());
    assertTrue(r.err().contains(expected), r.toString());
  }
}
