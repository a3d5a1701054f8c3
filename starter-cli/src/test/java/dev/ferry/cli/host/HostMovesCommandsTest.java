package dev.ferry.cli.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.Cli;
import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.cli.FerryCommand;
import dev.ferry.client.FerryClient;
import dev.ferry.evacuate.HostMoveItem;
import dev.ferry.evacuate.HostMovesView;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.VmState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code host drain} and {@code host evacuate} with {@code --show} and {@code --cancel}, against
 * the real host drain workflow (its activities answered by the fake entities): a cancelled drain
 * starts no further move, the one it started goes on, the host stays disabled.
 */
class HostMovesCommandsTest extends FakeClusterTest {
  /** Polls the drain's progress until {@code server}'s move runs. */
  private void awaitRunning(String server) throws InterruptedException {
    try (FerryClient client = ferry.client()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (true) {
        HostMovesView v = client.evacuation().hostMoves("host-drain:a");
        if (v.items().stream()
            .anyMatch(i -> i.name.equals(server) && i.state == HostMoveItem.State.RUNNING)) {
          return;
        }
        assertTrue(System.nanoTime() < deadline, "not running: " + v);
        Thread.sleep(100);
      }
    }
  }

  @Test
  void aCancelledDrainStartsNoFurtherMoveAndWhatItStartedGoesOn() throws Exception {
    InstanceRecord hold1 = ferry.server("hold1", "m1.tiny", "a", VmState.ACTIVE);
    InstanceRecord hold2 = ferry.server("hold2", "m1.tiny", "a", VmState.ACTIVE);
    Cli.Result started = ferry("host", "drain", "a");
    assertEquals(ExitStatus.OK, started.exit(), started.toString());
    assertEquals(
        "host-drain:a started; follow it with: ferry host drain a --show --wait\n", started.out());
    awaitRunning("hold1");

    Cli.Result cancelled = ferry("host", "drain", "a", "--cancel", "--wait-timeout", "30s");

    assertEquals(ExitStatus.OK, cancelled.exit(), cancelled.toString());
    assertTrue(
        cancelled.out().contains("host-drain:a: cancelled (0 done, 1 running, 1 pending,"),
        cancelled.toString());
    assertTrue(
        cancelled
            .out()
            .contains(
                "moves it started go on (hold1): follow them with 'ferry migration list --host a',"
                    + " abort one with 'ferry live-migration abort SERVER'\n"),
        cancelled.toString());
    assertTrue(
        cancelled.out().endsWith("host a stays disabled: 'ferry host enable a'\n"),
        cancelled.toString());
    try (FerryClient client = ferry.client()) {
      InstanceRecord one = client.servers().get(hold1.id);
      assertEquals(MoveType.LIVE_MIGRATION, one.currentMoveType, "hold1's move goes on");
      Thread.sleep(1500); // a cancelled drain that went on would start hold2's move by now
      assertNull(client.servers().get(hold2.id).currentMoveId, "hold2's move never started");
      assertFalse(client.hosts().get("a").enabled, "the drain disabled it");
    }

    Cli.Result shown = ferry("host", "drain", "a", "--show");
    assertEquals(ExitStatus.OK, shown.exit(), shown.toString());
    assertTrue(shown.out().contains("host-drain:a: cancelled ("), shown.toString());
    Cli.Result followed = ferry("host", "drain", "a", "--show", "--wait");
    assertEquals(ExitStatus.FAILED, followed.exit(), "it ended, not every server moved");
    assertEquals(
        "ferry: error: host-drain:a ended cancelled: 2 server(s) not moved\n", followed.err());

    Cli.Result again = ferry("host", "drain", "a", "--cancel");
    assertEquals(ExitStatus.CONFLICT, again.exit(), again.toString());
    assertEquals(
        "ferry: error: no host-drain:a is running (the last one ended cancelled): nothing to"
            + " cancel\n",
        again.err());
  }

  @Test
  void showStartsNothingAndANeverRunDrainIsNotFound() {
    ferry.server("web1", "m1.tiny", "b", VmState.ACTIVE);

    Cli.Result r = ferry("host", "drain", "b", "--show");

    assertEquals(ExitStatus.NOT_FOUND, r.exit(), r.toString());
    assertEquals("ferry: error: no host-drain:b has run\n", r.err());
    assertFalse(ferry.exists("host-drain:b"), "nothing started");
    Cli.Result cancel = ferry("host", "evacuate", "c", "--cancel");
    assertEquals(ExitStatus.NOT_FOUND, cancel.exit(), cancel.toString());
    assertFalse(ferry.exists("host-evacuation:c"));
  }

  @Test
  void aHostEvacuationRunsToItsEndAndShowFollowsIt() {
    ferry.server("web1", "m1.tiny", "c", VmState.ACTIVE);

    Cli.Result r = ferry("host", "evacuate", "c", "--wait");

    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    assertTrue(r.out().contains("host-evacuation:c: done (1 done, 0 running"), r.toString());
    Cli.Result shown = ferry("host", "evacuate", "c", "--show", "--wait");
    assertEquals(ExitStatus.OK, shown.exit(), shown.toString());
    assertTrue(shown.out().contains("web1"), shown.toString());
  }

  @Test
  void optionsThatDoNotGoTogetherAreUsageErrorsBeforeConnecting() {
    for (String[] args :
        new String[][] {
          {"host", "drain", "a", "--show", "--cancel"},
          {"host", "drain", "a", "--cancel", "--wait"},
          {"host", "drain", "a", "--cancel", "--concurrency", "3"},
          {"host", "evacuate", "c", "--show", "--fence", "ipmi"},
          {"host", "evacuate", "c", "--cancel", "--wait-timeout", "soon"}
        }) {
      StringWriter err = new StringWriter();
      CommandLine cl =
          FerryCommand.commandLine(
              new FerryCommand(
                  o -> {
                    throw new AssertionError("connected");
                  },
                  false));
      cl.setErr(new PrintWriter(err, true));
      cl.setOut(new PrintWriter(new StringWriter(), true));
      assertEquals(ExitStatus.USAGE, cl.execute(args), String.join(" ", args) + "\n" + err);
      assertNotNull(err.toString());
    }
  }
}
