package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryDataConverter;
import dev.ferry.model.Names;
import dev.ferry.model.VmState;
import dev.ferry.placement.PlacementState;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One command per exit status of {@link ExitStatus}, each with its one line {@code ferry: error:
 * ...} on stderr (1, a move that ended in error, is {@code
 * CommandsTest.aFailedMoveWithWaitExitsOne}): 2 usage, 3 not found, 4 conflict, 5 invalid value, 6
 * unreachable, 7 a wait timed out.
 */
class ExitStatusTest extends FakeClusterTest {

  @Test
  void anUnknownOptionIsTwoAndNeverConnects() {
    Cli.Result r = Cli.run(Cli::neverConnect, "migrate", "web1", "--no-such-option");
    assertTrue(r.err().startsWith("ferry: error: Unknown option: '--no-such-option'"), r.err());
    assertEquals(ExitStatus.USAGE, r.exit(), r.toString());
  }

  @Test
  void anUnknownServerIsThree() {
    refused(ExitStatus.NOT_FOUND, "unknown server 'web9'", "migrate", "web9", "--host", "b");
  }

  @Test
  void aDestinationThatIsDownIsFourRefusedByTheServersRecord() {
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    refused(ExitStatus.CONFLICT, "destination host c is DOWN", "migrate", "web1", "--host", "c");
    refused(
        ExitStatus.CONFLICT,
        "destination host d is disabled",
        "live-migrate",
        "web1",
        "--host",
        "d");
  }

  @Test
  void aResizeToTheSameFlavorIsFiveRefusedByTheServersRecord() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    refused(
        ExitStatus.INVALID,
        "server web1 already has flavor m1.small: pick another flavor ('ferry flavor list')",
        "resize",
        "web1",
        "--flavor",
        "m1.small");
  }

  @Test
  void aConductorThatDoesNotAnswerIsSix() {
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(FerryDataConverter.create())
                        .build())
                .build())) {
      env.start(); // no worker: placement exists, nobody answers its queries
      WorkflowClient client = env.getWorkflowClient();
      PlacementWorkflow placement =
          client.newWorkflowStub(
              PlacementWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(Names.PLACEMENT_WORKFLOW_ID)
                  .setTaskQueue(Names.CONDUCTOR_QUEUE)
                  .build());
      WorkflowClient.start(placement::run, new PlacementState());

      Cli.Result r = Cli.run(o -> FerryClient.of(client, Duration.ofSeconds(1)), "host", "list");

      assertRefused(r, ExitStatus.UNREACHABLE, "no answer from Temporal");
    }
  }

  @Test
  void aWaitThatRunsOutIsSevenAndTheMoveGoesOn() {
    ferry.server("slow1", "m1.tiny", "a", VmState.ACTIVE);
    refused(
        ExitStatus.TIMED_OUT,
        "; it goes on: follow it with 'ferry migration show ",
        "migrate",
        "slow1",
        "--host",
        "b",
        "--wait",
        "--wait-timeout",
        "1s");
  }
}
