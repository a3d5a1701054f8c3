package dev.ferry.move;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.live.LiveMigrationHostActivities;
import dev.ferry.model.FerryRejection;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.CancellationScope;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A move's way to the hosts' agents: the options of {@link HostCallOptions}, a summary per call
 * (what the Web UI shows: "power off (web1 on h1)"), and the dead-host verdict. A ScheduleToStart
 * timeout is only a hint: the host's record (HostWorkflow) decides whether the host is dead; once
 * it is, later calls to it fail at once instead of waiting again. A call that fails because its own
 * cancellation scope was cancelled says nothing about its host.
 */
public final class HostCalls {

  /**
   * Rounds of ScheduleToStart timeouts tolerated while the host's record still says alive (its
   * lease has not run out yet, or the agent is slow to come back) before the move gives up.
   */
  static final int MAX_UNSTARTED_ROUNDS = 3;

  /** What an agent's typed refusal ({@link FerryRejection}) becomes; a move's choice, for good. */
  public enum Refusals {
    /**
     * Thrown as the {@link FerryRejection} it was: a live migration's checks turn it into the next
     * candidate or the move's refusal.
     */
    TYPED,
    /**
     * A failed step like any other ("define on h2 failed: ..."): a resize and an evacuation
     * compensate for it as for any failure.
     */
    AS_STEP_FAILURE
  }

  private final Duration scheduleToStart;
  private final Refusals refusals;
  private final Set<String> unreachable = new HashSet<>();
  private int gracefulShutdownSeconds = 60;
  private String server;

  /**
   * @param scheduleToStart {@link HostCallOptions#SCHEDULE_TO_START} in production; tests of dead
   *     hosts pass a few seconds (the test server does not skip time while an activity is
   *     scheduled)
   */
  public HostCalls(Duration scheduleToStart, Refusals refusals) {
    this.scheduleToStart = scheduleToStart;
    this.refusals = refusals;
  }

  /** Names the moved server in every call's summary; call once the move's instance is known. */
  public void forServer(String name) {
    this.server = name;
  }

  /** Sets powerOff's ACPI window (settings); call before the first power-off. */
  public void useGracefulShutdownSeconds(int seconds) {
    this.gracefulShutdownSeconds = Math.max(0, seconds);
  }

  public int gracefulShutdownSeconds() {
    return gracefulShutdownSeconds;
  }

  public Duration scheduleToStart() {
    return scheduleToStart;
  }

  public boolean isUnreachable(String host) {
    return unreachable.contains(host);
  }

  /**
   * Runs {@code call} against {@code host}'s hypervisor. Throws {@link HostUnreachableException}
   * when the host is dead (by its record), {@link MoveStepException} when the call failed, and with
   * {@link Refusals#TYPED} the agent's {@link FerryRejection}.
   */
  public <T> T hypervisor(String host, String what, Function<HypervisorActivities, T> call) {
    Map<String, ActivityOptions> perMethod =
        HostCallOptions.hypervisorPerMethod(gracefulShutdownSeconds);
    return invoke(
        host, what, () -> call.apply(stub(HypervisorActivities.class, host, what, perMethod)));
  }

  /** {@link #hypervisor} for the host's disk activities (volumes, probes, the disk copy). */
  public <T> T disk(String host, String what, Function<DiskActivities, T> call) {
    Map<String, ActivityOptions> perMethod = HostCallOptions.diskPerMethod();
    return invoke(host, what, () -> call.apply(stub(DiskActivities.class, host, what, perMethod)));
  }

  /** {@link #hypervisor} for the host's live-migration activities. */
  public <T> T live(String host, String what, Function<LiveMigrationHostActivities, T> call) {
    Map<String, ActivityOptions> perMethod = HostCallOptions.livePerMethod();
    return invoke(
        host,
        what,
        () -> call.apply(stub(LiveMigrationHostActivities.class, host, what, perMethod)));
  }

  /** {@link #live} of a call without a result. */
  public void liveDo(String host, String what, Consumer<LiveMigrationHostActivities> call) {
    live(
        host,
        what,
        a -> {
          call.accept(a);
          return null;
        });
  }

  /** Runs {@code body}, a call on a stub of its own ({@link #stub}), with the dead-host verdict. */
  public <T> T run(String host, String what, Supplier<T> body) {
    return invoke(host, what, body);
  }

  /** A stub with {@code options} whose calls show {@code what} on {@code host} in the Web UI. */
  public <A> A stub(Class<A> activities, String host, String what, ActivityOptions options) {
    return Summarized.stub(activities, options, WebUiTexts.hostCall(what, server, host));
  }

  private <A> A stub(
      Class<A> activities, String host, String what, Map<String, ActivityOptions> perMethod) {
    return Summarized.stub(
        activities,
        HostCallOptions.moveCall(host, scheduleToStart),
        perMethod,
        WebUiTexts.hostCall(what, server, host));
  }

  private <T> T invoke(String host, String what, Supplier<T> call) {
    if (unreachable.contains(host)) {
      throw new HostUnreachableException(
          host, what + " on " + host + " not tried: host " + host + " is unreachable");
    }
    for (int round = 1; ; round++) {
      try {
        return call.get();
      } catch (ActivityFailure f) {
        if (CancellationScope.current().isCancelRequested()) {
          // An interrupted step (a cancelled move): says nothing about the host's health.
          throw new MoveStepException(what + " on " + host + " cancelled");
        }
        if (refusals == Refusals.TYPED) {
          FerryRejection rejection = FerryRejection.from(f).orElse(null);
          if (rejection != null) {
            throw rejection;
          }
        }
        if (!ActivityFailures.neverStarted(f)) {
          if (ActivityFailures.timedOut(f) && !isAlive(host)) {
            // It started, then its agent went silent for good (retries included).
            throw unreachable(host, what, ActivityFailures.message(f));
          }
          throw new MoveStepException(
              what + " on " + host + " failed: " + ActivityFailures.message(f));
        }
        if (round >= MAX_UNSTARTED_ROUNDS || !isAlive(host)) {
          unreachable.add(host);
          throw unreachable(
              host,
              what,
              "no agent took the call within "
                  + scheduleToStart.toSeconds()
                  + " s"
                  + (round >= MAX_UNSTARTED_ROUNDS ? ", " + round + " times" : ""));
        }
        // Its record still says alive: the agent is restarting; offer the call again.
      }
    }
  }

  private static HostUnreachableException unreachable(String host, String what, String why) {
    return new HostUnreachableException(
        host, what + " on " + host + " failed: host " + host + " is unreachable (" + why + ")");
  }

  /** Asks the host's record; a host that is not alive is unreachable from now on. */
  public boolean isAlive(String host) {
    boolean alive;
    try {
      alive =
          ConductorCalls.summarized(WebUiTexts.hostAlive(host)).hostRecords().get(host).isAlive();
    } catch (ActivityFailure f) {
      if (CancellationScope.current().isCancelRequested()) {
        throw new MoveStepException("looking up host " + host + " cancelled");
      }
      alive = false; // no record (UNKNOWN_HOST) or no answer: nothing says it is alive
    }
    if (!alive) {
      unreachable.add(host);
    }
    return alive;
  }
}
