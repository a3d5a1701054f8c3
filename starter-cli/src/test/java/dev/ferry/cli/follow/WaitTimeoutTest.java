package dev.ferry.cli.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.Cli;
import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.model.VmState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@code --wait} has a timeout: a move (or host run) still going when it runs out is exit 7
 * with one line saying where it is and that it goes on. The fakes park servers named {@code slow*}
 * (cold moves) and {@code hold*} (live migrations, evacuations) until the test ends.
 */
@Timeout(60)
class WaitTimeoutTest extends FakeClusterTest {
  private static final String MOVE = "44444444-4444-4444-8444-444444444444";

  private static void assertTimedOutWith(Cli.Result r, String line) {
    assertEquals(ExitStatus.TIMED_OUT, r.exit(), r.toString());
    assertEquals("ferry: error: " + line + "\n", r.err(), r.toString());
  }

  /**
   * {@code ferry args} runs out of time while move {@link #MOVE} is {@code status}; what it printed
   * until then is the move's status changes, the last one its status now.
   */
  private void assertMoveStillGoing(String status, String... args) {
    Cli.Result r = ferry(args);
    assertTimedOutWith(
        r,
        "move "
            + MOVE
            + " is still "
            + status
            + " after 1 s; it goes on: follow it with 'ferry migration show "
            + MOVE
            + "'");
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.stream().allMatch(l -> l.startsWith("status: ")), r.toString());
    assertTrue(lines.get(lines.size() - 1).startsWith("status: " + status), r.toString());
  }

  @Test
  void aColdMigrationStillMigratingWhenTheWaitRunsOut() {
    ferry.server("slow1", "m1.tiny", "a", VmState.ACTIVE);
    ferry.nextIds(MOVE);

    assertMoveStillGoing(
        "migrating", "migrate", "slow1", "--host", "b", "--wait", "--wait-timeout", "1s");
  }

  @Test
  void anEvacuationStillAcceptedWhenTheWaitRunsOut() {
    ferry.server("hold1", "m1.tiny", "c", VmState.ACTIVE); // c is DOWN
    ferry.nextIds(MOVE);

    assertMoveStillGoing("accepted", "evacuate", "hold1", "--wait", "--wait-timeout", "1s");
  }

  @Test
  void aLiveMigrationStillRunningWhenTheWaitRunsOutAfterShowingItsStatusLines() {
    ferry.server("hold2", "m1.tiny", "a", VmState.ACTIVE);
    ferry.nextIds(MOVE);

    Cli.Result r = ferry("live-migrate", "hold2", "--host", "b", "--wait", "--wait-timeout", "1s");

    assertTimedOutWith(
        r,
        "live migration "
            + MOVE
            + " of server hold2 is still running after 1 s; it goes on: follow it with"
            + " 'ferry migration show "
            + MOVE
            + "'");
    assertTrue(r.out().startsWith("status: queued\n"), r.toString());
    assertTrue(r.out().contains("status: running (job-started)\n"), r.toString());
  }

  @Test
  void aHostDrainStillRunningWhenTheWaitRunsOut() {
    ferry.server("hold3", "m1.tiny", "a", VmState.ACTIVE);

    Cli.Result r = ferry("host", "drain", "a", "--wait", "--wait-timeout", "1s");

    assertEquals(ExitStatus.TIMED_OUT, r.exit(), r.toString());
    assertTrue(
        r.err().startsWith("ferry: error: host-drain:a is still running after 1 s ("),
        r.toString());
    assertTrue(r.err().endsWith(" pending); it goes on\n"), r.toString());
    assertEquals("", r.out(), r.toString());
  }

  @Test
  void aZeroWaitTimeoutIsAnInvalidValue() {
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);

    Cli.Result r = ferry("migrate", "web1", "--host", "b", "--wait", "--wait-timeout", "0");

    assertEquals(ExitStatus.INVALID, r.exit(), r.toString());
    assertEquals("ferry: error: the timeout must be positive\n", r.err(), r.toString());
  }
}
