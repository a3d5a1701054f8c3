package dev.ferry.move;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.entities.WorkflowInspectionActivities;
import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.FencingActivities;
import dev.ferry.evacuate.HostMovesActivities;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.Names;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Calls to the conductor's activities (the entities, fencing, a host's moves), with their options:
 * stubs for the entity workflows and the instance, and for a move {@link #get}/{@link #run}, where
 * a failure is a {@link MoveStepException} and {@code what} is the call's summary in the Web UI.
 */
public final class ConductorCalls {

  /**
   * An Update to an entity answers in well under a second; one that lands while the entity
   * continues as new is dropped, so a short timeout and patient retries deliver it.
   */
  public static final ActivityOptions ENTITY_CALL =
      ActivityOptions.newBuilder()
          .setTaskQueue(Names.CONDUCTOR_QUEUE)
          .setStartToCloseTimeout(Duration.ofSeconds(20))
          .setScheduleToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(patientRetry())
          .build();

  /**
   * A conductor call an operator waits on (inside an Update's handler): it answers in well under a
   * second, and a few retries ride out an entity's continue-as-new; after half a minute the
   * operator is told the conductor did not answer, instead of waiting on.
   */
  public static final ActivityOptions WHILE_OPERATOR_WAITS =
      ActivityOptions.newBuilder()
          .setTaskQueue(Names.CONDUCTOR_QUEUE)
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofMillis(500))
                  .setMaximumInterval(Duration.ofSeconds(5))
                  .setDoNotRetry(FerryRejection.failureTypes())
                  .build())
          .build();

  /**
   * One fencing attempt: opening a libvirt URI that does not answer fails after 15 s; a BMC power
   * off takes seconds. A method that cannot fence is retried twice, then the evacuation fails.
   */
  static final ActivityOptions FENCING =
      ActivityOptions.newBuilder()
          .setTaskQueue(Names.CONDUCTOR_QUEUE)
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setScheduleToCloseTimeout(Duration.ofMinutes(7))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(2.0)
                  .setMaximumAttempts(3)
                  .setDoNotRetry(fencingNonRetryable())
                  .build())
          .build();

  /** The calls into instances and placement a host evacuation / drain makes (short, retried). */
  static final ActivityOptions HOST_MOVES_CALL =
      ActivityOptions.newBuilder()
          .setTaskQueue(Names.CONDUCTOR_QUEUE)
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(patientRetry())
          .build();

  /** How long one {@code awaitMoves} long poll may wait before it answers "nothing closed yet". */
  public static final Duration AWAIT_MOVES_MAX = Duration.ofMinutes(5);

  /** The long poll heartbeats every second or so: a killed conductor is noticed after this. */
  public static final Duration AWAIT_MOVES_HEARTBEAT = Duration.ofSeconds(30);

  private ConductorCalls() {}

  /** The entity stubs a move calls, for one call: its activity shows {@code summary}. */
  public record EntityCalls(PlacementActivities placement, HostRecordActivities hostRecords) {}

  /** Stubs for one call whose summary (the Web UI's line for it) is {@code summary}. */
  public static EntityCalls summarized(String summary) {
    return new EntityCalls(
        Summarized.stub(PlacementActivities.class, ENTITY_CALL, summary),
        Summarized.stub(HostRecordActivities.class, ENTITY_CALL, summary));
  }

  /**
   * A move's call to the entities: throws {@link MoveStepException} ("{@code what} failed: ...")
   * when it failed, a rejection included.
   */
  public static <T> T get(String what, Function<EntityCalls, T> call) {
    try {
      return call.apply(summarized(what));
    } catch (ActivityFailure f) {
      throw new MoveStepException(what + " failed: " + ActivityFailures.message(f));
    }
  }

  /** {@link #get} of a call without a result. */
  public static void run(String what, Consumer<EntityCalls> call) {
    get(
        what,
        c -> {
          call.accept(c);
          return null;
        });
  }

  /**
   * Puts {@code item} on {@code host}'s cleanup list: work a host that stopped answering owes, done
   * (epoch-guarded) before its agent serves again. A failure goes to {@code noteError} (the move's
   * error), never thrown: where the instance ends does not depend on it.
   */
  public static void owe(String host, CleanupItem item, Consumer<String> noteError) {
    try {
      run("add cleanup on " + host, c -> c.hostRecords().addCleanup(host, item));
    } catch (MoveStepException e) {
      noteError.accept(e.getMessage());
    }
  }

  public static PlacementActivities placement() {
    return Workflow.newActivityStub(PlacementActivities.class, ENTITY_CALL);
  }

  public static HostRecordActivities hostRecords() {
    return Workflow.newActivityStub(HostRecordActivities.class, ENTITY_CALL);
  }

  public static WorkflowInspectionActivities inspection() {
    return Workflow.newActivityStub(WorkflowInspectionActivities.class, ENTITY_CALL);
  }

  /** A stub for one fencing call, shown as {@code summary} in the Web UI. */
  public static FencingActivities fencing(String summary) {
    return Summarized.stub(FencingActivities.class, FENCING, summary);
  }

  /** A host evacuation's or drain's calls; {@code awaitHeartbeat}: tests pass less. */
  public static HostMovesActivities hostMoves(Duration awaitHeartbeat) {
    return Workflow.newActivityStub(
        HostMovesActivities.class,
        HOST_MOVES_CALL,
        Map.of(
            "HostMovesAwaitMoves",
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(AWAIT_MOVES_MAX.plus(Duration.ofMinutes(1)))
                .setHeartbeatTimeout(awaitHeartbeat)
                .setScheduleToCloseTimeout(Duration.ofMinutes(30))
                .build()));
  }

  /** Retried until the ScheduleToClose runs out, never a rejection. */
  private static RetryOptions patientRetry() {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1))
        .setMaximumInterval(Duration.ofSeconds(15))
        .setDoNotRetry(FerryRejection.failureTypes())
        .build();
  }

  private static String[] fencingNonRetryable() {
    List<String> types = new ArrayList<>(List.of(FerryRejection.failureTypes()));
    types.add(FenceMethods.NOT_CONFIGURED);
    types.add(FenceMethods.UNKNOWN_METHOD);
    return types.toArray(new String[0]);
  }
}
