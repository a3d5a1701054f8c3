package dev.ferry.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.Cli;
import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FakeClusterTest;
import org.junit.jupiter.api.Test;

/**
 * A root disk larger than its flavor's is an invalid value (exit 5), refused before anything is
 * admitted: placement would claim the flavor's disk while the host gives the larger one.
 */
class ServerCreateSizeTest extends FakeClusterTest {

  @Test
  void aDiskLargerThanTheFlavorsIsRefusedAndNothingIsCreated() {
    Cli.Result before = ferry("server", "list");

    Cli.Result r =
        ferry(
            "server",
            "create",
            "--name",
            "big1",
            "--flavor",
            "m1.small",
            "--host",
            "a",
            "--disk-size",
            "30G");

    assertEquals(ExitStatus.INVALID, r.exit(), r.toString());
    assertTrue(
        r.err()
            .startsWith(
                "ferry: error: a root disk of 30720 MiB does not fit flavor m1.small's 20 GB"),
        r.toString());
    assertEquals(before.out(), ferry("server", "list").out(), "a refused create left a server");
  }

  @Test
  void aDiskOfTheFlavorsSizeFits() {
    Cli.Result r =
        ferry(
            "server",
            "create",
            "--name",
            "fit1",
            "--flavor",
            "m1.tiny",
            "--host",
            "a",
            "--disk-size",
            "1G");
    assertEquals(0, r.exit(), r.toString());
  }
}
