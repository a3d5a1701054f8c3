package dev.ferry.evacuate;

import dev.ferry.move.HostCallOptions;
import dev.ferry.move.HostCalls;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * An evacuation, Nova's way: the instance's host failed; {@code accepted → pre-migrating → done},
 * or {@code failed} (refused, nothing touched) / {@code error} (rebuild failed, compensated).
 *
 * <ol>
 *   <li>ACCEPTED: refuse what cannot work before touching anything: the source must be DOWN or
 *       forced down (else HOST_IN_USE, Nova's ComputeServiceInUse); then FENCE it from the
 *       conductor. A fencing failure ends the move in {@code failed}: nothing is rebuilt.
 *   <li>PRE_MIGRATING: claim a destination (never the source), rebuild there from the instance
 *       RECORD (its migratable XML; never read from the dead host) with epoch + 1: a shared disk is
 *       reused; a host-local disk cannot be, so a new root disk is made on the destination as a
 *       copy of the recorded base image from the destination's image store (Nova's rebuild from
 *       image_ref) and the move says the local data is lost. A destination without that image is
 *       refused: a named one before fencing, a placed one before anything is made there. Start it
 *       unless the instance was STOPPED (an ERROR one is started and comes back ACTIVE); the move's
 *       notes say which, and the local data lost, as notes: they are no errors.
 *   <li>DONE: the stale copy goes on the source's cleanup list (REMOVE_STALE_DOMAIN up to the old
 *       epoch: the domain only, never a disk); the claim is swapped to the instance (which releases
 *       the old host's claim). The instance is told, which releases its lock. Its agent destroys
 *       the stale copy on return, before serving, and records the evacuation {@code completed}.
 * </ol>
 *
 * Compensation (idempotent) removes only what this move created: the destination copy carrying the
 * new epoch, the new disk made from the base image, and the claim. Nothing of the source is ever
 * touched.
 *
 * <p>This class is the flow; each concern is a collaborator over one {@link EvacuationRun}: {@link
 * EvacuationFencing} (ACCEPTED: refusals, fencing), {@link EvacuationRebuild} (PRE_MIGRATING: the
 * claim, the rebuild at the destination, the saga; {@link EvacuationCompensations}), {@link
 * EvacuationBookkeeping} (the claim, cleanup items) and {@link EvacuationReporting} (transitions,
 * the instance, queries).
 */
public class EvacuationWorkflowImpl implements EvacuationWorkflow {

  private final EvacuationRun run;
  private final EvacuationReporting reporting;
  private final EvacuationFencing fencing;
  private final EvacuationRebuild rebuild;

  public EvacuationWorkflowImpl() {
    this(HostCallOptions.SCHEDULE_TO_START);
  }

  /** For tests (a worker's implementation factory): a dead destination is found out faster. */
  EvacuationWorkflowImpl(Duration hostScheduleToStart) {
    run = new EvacuationRun(new HostCalls(hostScheduleToStart, HostCalls.Refusals.AS_STEP_FAILURE));
    reporting = new EvacuationReporting(run);
    fencing = new EvacuationFencing(run, reporting);
    EvacuationBookkeeping books = new EvacuationBookkeeping(run);
    rebuild = new EvacuationRebuild(run, reporting, books, new EvacuationCompensations(run, books));
  }

  @Override
  public MoveView run(MoveInput input) {
    run.start(input);
    reporting.announce();
    if (fencing.checkAndFence()) {
      rebuild.rebuild();
    }
    run.channel.closed(reporting.outcome());
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  @Override
  public MoveView status() {
    return reporting.status();
  }

  @Override
  public EvacuationDetails details() {
    return reporting.details();
  }
}
