package dev.ferry.move;

import static dev.ferry.testing.WebUiMetadata.timerSummaries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Summarized#await} gives its timer a summary and issues exactly the commands {@code
 * Workflow.await(timeout, condition)} does: a history recorded with either replays with the other,
 * whether the condition or the timeout wins. That is why the resize's auto-confirm and the live
 * migration's slot queue could take summaries without a version marker.
 */
class SummarizedTest {

  @WorkflowInterface
  public interface Waiter {
    @WorkflowMethod
    String run();

    @SignalMethod
    void wake();
  }

  /** The await as every move had it before summaries. */
  public static class PlainAwait implements Waiter {
    private boolean woken;

    @Override
    public String run() {
      boolean won = Workflow.await(Duration.ofMinutes(10), () -> woken);
      Workflow.sleep(Duration.ofSeconds(1));
      return won ? "woken" : "timed out";
    }

    @Override
    public void wake() {
      woken = true;
    }
  }

  /** The same wait with summaries on its timers. */
  public static class SummarizedAwait implements Waiter {
    private boolean woken;

    @Override
    public String run() {
      boolean won = Summarized.await(Duration.ofMinutes(10), "wait up to 10m", () -> woken);
      Summarized.sleep(Duration.ofSeconds(1), "pause 1s");
      return won ? "woken" : "timed out";
    }

    @Override
    public void wake() {
      woken = true;
    }
  }

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker("waiters").registerWorkflowImplementationTypes(PlainAwait.class);
    env.newWorker("summarized-waiters").registerWorkflowImplementationTypes(SummarizedAwait.class);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void theTimersCarryTheirSummaries() {
    run("summarized-waiters", "summaries", false);
    assertEquals(
        List.of("wait up to 10m", "pause 1s"),
        timerSummaries(client.fetchHistory("summaries").getEvents()));
  }

  @Test
  void historiesOfEitherAwaitReplayWithTheOtherWhenTheConditionWins() throws Exception {
    assertEquals("woken", run("waiters", "plain-woken", true));
    WorkflowReplayer.replayWorkflowExecution(history("plain-woken"), SummarizedAwait.class);
    assertEquals("woken", run("summarized-waiters", "summarized-woken", true));
    WorkflowReplayer.replayWorkflowExecution(history("summarized-woken"), PlainAwait.class);
  }

  @Test
  void historiesOfEitherAwaitReplayWithTheOtherWhenTheTimeoutWins() throws Exception {
    assertEquals("timed out", run("waiters", "plain-timeout", false));
    WorkflowReplayer.replayWorkflowExecution(history("plain-timeout"), SummarizedAwait.class);
    assertEquals("timed out", run("summarized-waiters", "summarized-timeout", false));
    WorkflowReplayer.replayWorkflowExecution(history("summarized-timeout"), PlainAwait.class);
  }

  @Test
  void aReplayWithAnotherCommandFails() {
    // The check above can fail: an extra timer is a NonDeterministicException on replay.
    run("waiters", "one-timer-more", true);
    assertFalse(replays(history("one-timer-more"), ExtraTimer.class));
    assertTrue(replays(history("one-timer-more"), SummarizedAwait.class));
  }

  /** A wait that starts one timer more than the others. */
  public static class ExtraTimer extends SummarizedAwait {
    @Override
    public String run() {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.run();
    }
  }

  private String run(String queue, String workflowId, boolean wake) {
    Waiter waiter =
        client.newWorkflowStub(
            Waiter.class,
            WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId(workflowId).build());
    WorkflowClient.start(waiter::run);
    if (wake) {
      waiter.wake();
    }
    return client.newUntypedWorkflowStub(workflowId).getResult(String.class);
  }

  private WorkflowExecutionHistory history(String workflowId) {
    return client.fetchHistory(workflowId);
  }

  private static boolean replays(WorkflowExecutionHistory history, Class<?> implementation) {
    try {
      WorkflowReplayer.replayWorkflowExecution(history, implementation);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
