package dev.ferry.live;

import dev.ferry.host.HostWorkflow;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code move:<id>} for a live migration: {@code queued → preparing → running → (running-post-copy)
 * → post-migrating → completed}, or {@code failed} / {@code cancelled} / {@code error} ({@link
 * LiveMigrationStateTable}).
 */
@WorkflowInterface
public interface LiveMigrationWorkflow {

  /** The job activity's type: clients find its heartbeat (progress) among pending activities. */
  String JOB_ACTIVITY_TYPE = "LiveMigrate";

  String JOB_STARTED_SIGNAL = "jobStarted";
  String POST_COPY_STARTED_SIGNAL = "postCopyStarted";

  @WorkflowMethod
  MoveView run(MoveInput input);

  /**
   * Aborts the migration and answers when it has ended: {@code cancelled}, or {@code completed}
   * when the abort lost the race at switch-over. Refused in post-copy and after switch-over.
   */
  @UpdateMethod
  LiveMigrationView abort(String actor);

  @UpdateValidatorMethod(updateName = "abort")
  void validateAbort(String actor);

  /** Makes a running job converge: pauses the guest, or switches to post-copy when permitted. */
  @UpdateMethod
  LiveMigrationView forceComplete(String actor);

  @UpdateValidatorMethod(updateName = "forceComplete")
  void validateForceComplete(String actor);

  /** From the source's HostWorkflow: this queued move now holds an outbound slot. */
  @SignalMethod(name = HostWorkflow.SLOT_GRANTED_SIGNAL)
  void slotGranted(String host);

  /** From the job activity, before it calls migrate (a workflow never sees an activity start). */
  @SignalMethod(name = JOB_STARTED_SIGNAL)
  void jobStarted(JobProgress progress);

  /** From the job activity (or force-complete): post-copy has started, no way back. */
  @SignalMethod(name = POST_COPY_STARTED_SIGNAL)
  void postCopyStarted(String how);

  @QueryMethod(name = "status")
  MoveView status();

  @QueryMethod(name = "live")
  LiveMigrationView live();
}
