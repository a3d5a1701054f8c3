package dev.ferry.resize;

import static dev.ferry.resize.ResizeEvent.CONFIRM;
import static dev.ferry.resize.ResizeEvent.REVERT;

import dev.ferry.move.HostCallOptions;
import dev.ferry.move.HostCalls;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * A cold migration or resize, Nova's way: {@code pre-migrating → migrating → post-migrating →
 * finished}, then VERIFY_RESIZE until confirm, revert or the auto-confirm timer; {@code confirming
 * → confirmed} or {@code reverting → reverted}; {@code error} from any working status. Moves only
 * through {@link ResizeStateTable#TABLE}. Steps 1-3 are a saga whose compensations are registered
 * before the step they undo and are idempotent. The guest's state at the source, read before it is
 * stopped, decides (never the record): a shut-off guest stays shut off throughout; a paused,
 * suspended, saved, crashed or missing one is refused ({@code error}, nothing done, the instance in
 * the state its guest is in).
 *
 * <p>A workflow cancel ({@link CancelWatch}) before VERIFY_RESIZE compensates at the next step
 * boundary and ends {@code cancelled}; in VERIFY_RESIZE it reverts; confirming and reverting
 * finish.
 *
 * <p>Same-host resize (when allowed) is its own path: one libvirt cannot hold two domains with one
 * UUID, so the domain is stopped, redefined with the new flavor (the old XML kept for revert) and
 * started, keeping its epoch.
 *
 * <p>This class is the flow and the handlers; each concern is a collaborator over one {@link
 * ResizeRun}: {@link ResizeSteps} (steps 1-3, the saga; {@link SharedStorageProbe}, {@link
 * ResizeCompensations}), {@link ResizeDecision} (VERIFY_RESIZE), {@link ConfirmAndRevert} (steps 5
 * and 6), {@link SourceHostCheck} (the source's record: a confirm owes a down source's clean-up, a
 * revert is refused while it is down), {@link ResizeBookkeeping} (the claim, disks, cleanup items)
 * and {@link ResizeReporting} (transitions, the instance, queries).
 */
public class ResizeWorkflowImpl implements ResizeWorkflow {

  private final ResizeRun run;
  private final ResizeReporting reporting;
  private final ResizeSteps steps;
  private final ResizeDecision decider;
  private final ConfirmAndRevert ending;
  private final SourceHostCheck sourceHost;

  public ResizeWorkflowImpl() {
    this(HostCallOptions.SCHEDULE_TO_START);
  }

  /** For tests (a worker's implementation factory): a dead host is found out faster. */
  ResizeWorkflowImpl(Duration hostScheduleToStart) {
    run = new ResizeRun(new HostCalls(hostScheduleToStart, HostCalls.Refusals.AS_STEP_FAILURE));
    reporting = new ResizeReporting(run);
    ResizeBookkeeping books = new ResizeBookkeeping(run);
    steps =
        new ResizeSteps(
            run,
            reporting,
            books,
            new SharedStorageProbe(run),
            new ResizeCompensations(run, books));
    decider = new ResizeDecision(run, reporting);
    sourceHost = new SourceHostCheck(run);
    ending = new ConfirmAndRevert(run, reporting, books, sourceHost);
  }

  @Override
  public MoveView run(MoveInput input) {
    // Moves are cancelled, never terminated: the work runs detached, so a cancel reaches it only
    // through the watcher, as a request honoured between steps (CancelWatch).
    run.cancel.start(
        run.machine::isFinal, () -> decider.decideIfAwaiting(REVERT, CancelWatch.ACTOR));
    Workflow.newDetachedCancellationScope(
            () -> {
              run.start(input);
              reporting.announce(ResizeTaskStates.taskState(run.machine.state()));
              if (steps.moveToDestination()) {
                if (decider.awaitDecision() == CONFIRM) {
                  ending.confirmResize();
                } else {
                  ending.revertResize();
                }
              }
              run.channel.closed(reporting.outcome());
              Workflow.await(Workflow::isEveryHandlerFinished);
            })
        .run();
    return status();
  }

  // ---- handlers ------------------------------------------------------------------------------

  @Override
  public void validateConfirm(String actor) {
    decider.validateAwaitingDecision();
  }

  @Override
  public MoveView confirm(String actor) {
    return decider.decideAndAwait(CONFIRM, actor);
  }

  @Override
  public void validateRevert(String actor) {
    decider.validateAwaitingDecision();
  }

  @Override
  public MoveView revert(String actor) {
    sourceHost.refuseRevertWhileDown(); // a validator cannot call the host's record
    return decider.decideAndAwait(REVERT, actor);
  }

  @Override
  public void requestConfirm(String actor) {
    decider.decideIfAwaiting(CONFIRM, actor);
  }

  @Override
  public void requestRevert(String actor) {
    decider.decideIfAwaiting(REVERT, actor);
  }

  @Override
  public MoveView status() {
    return reporting.status();
  }
}
