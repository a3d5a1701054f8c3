package dev.ferry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.MoveOutcome;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.util.List;
import java.util.function.Consumer;

/**
 * A move a test started under a {@link RecordingInstanceWorkflow} parent: its typed stub, its
 * result, and the outcome its parent received. Every view it reads goes to {@code walked} (the
 * class's {@link TableCoverage}).
 */
public class MoveHandle<W> {
  public final String moveId;
  public final String instanceId;
  public final String workflowId;
  public final W stub;
  private final WorkflowClient client;
  private final Consumer<MoveView> walked;
  private boolean wasCancelled;

  public MoveHandle(
      WorkflowClient client,
      Class<W> type,
      String moveId,
      String instanceId,
      Consumer<MoveView> walked) {
    this.client = client;
    this.moveId = moveId;
    this.instanceId = instanceId;
    this.workflowId = Names.moveWorkflowId(moveId);
    this.stub = client.newWorkflowStub(type, workflowId);
    this.walked = walked;
  }

  /** The move's view through its {@code status} query. */
  public MoveView status() {
    return WorkflowStub.fromTyped(stub).query("status", MoveView.class);
  }

  public MoveView result() {
    MoveView view = WorkflowStub.fromTyped(stub).getResult(MoveView.class);
    walked.accept(view);
    return view;
  }

  /**
   * The view of a move that was cancelled: Temporal closes a cancel-requested workflow as canceled,
   * after the move has compensated (or reverted) and told its instance.
   */
  public MoveView cancelled() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(stub).getResult(MoveView.class));
    assertTrue(e.getCause() instanceof CanceledFailure, e.toString());
    wasCancelled = true;
    MoveView view = status();
    assertTrue(view.finished(), view.status());
    walked.accept(view);
    return view;
  }

  /** The outcome the parent received; waits for the parent, which ends on moveClosed. */
  public MoveOutcome closed() {
    if (!wasCancelled) {
      result();
    }
    client.newUntypedWorkflowStub(Names.instanceWorkflowId(instanceId)).getResult(Void.class);
    List<MoveOutcome> closed = RecordingInstanceWorkflow.closedOf(instanceId);
    assertEquals(1, closed.size(), "moveClosed signals");
    return closed.get(0);
  }

  public void awaitStatus(String status) {
    Waits.awaitTrue(() -> status().status().equals(status), "move " + moveId + " " + status);
  }
}
