package dev.ferry.live;

import dev.ferry.entities.ConductorStubs;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.hypervisor.HypervisorStubs;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.Names;
import dev.ferry.move.Summarized;
import dev.ferry.move.WebUiTexts;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A live migration's way to the hosts' agents: explicit timeouts per call, a summary per call (what
 * the Web UI shows: "pre_live_migration (web1 on h2)"), and the dead-host verdict. A
 * ScheduleToStart timeout is only a hint: the host's record decides whether the host is dead; once
 * it is, later calls to it fail at once. A check's typed refusal comes back as the {@link
 * FerryRejection} it was.
 */
final class LiveHostCalls {

  /** Rounds of ScheduleToStart timeouts tolerated while the host's record still says alive. */
  static final int MAX_UNSTARTED_ROUNDS = 3;

  private final Duration scheduleToStart;
  private final Set<String> unreachable = new HashSet<>();
  private String server;

  LiveHostCalls(Duration scheduleToStart) {
    this.scheduleToStart = scheduleToStart;
  }

  /** Names the migrated server in every call's summary; call once the move's instance is known. */
  void forServer(String name) {
    this.server = name;
  }

  /** A stub with {@code options} whose calls show {@code what} on {@code host} in the Web UI. */
  LiveMigrationHostActivities summarizedLiveStub(
      String host, String what, ActivityOptions options) {
    return Summarized.stub(
        LiveMigrationHostActivities.class, options, WebUiTexts.hostCall(what, server, host));
  }

  Duration scheduleToStart() {
    return scheduleToStart;
  }

  boolean isUnreachable(String host) {
    return unreachable.contains(host);
  }

  <T> T hypervisor(String host, String what, Function<HypervisorActivities, T> call) {
    return call(host, what, () -> hypervisorStub(host, what), call);
  }

  <T> T live(String host, String what, Function<LiveMigrationHostActivities, T> call) {
    return call(host, what, () -> liveStub(host, what), call);
  }

  /** Runs {@code body} (a call on a stub of its own) with this host's dead-host handling. */
  <T> T run(String host, String what, java.util.function.Supplier<T> body) {
    return call(host, what, () -> null, ignored -> body.get());
  }

  void liveDo(
      String host, String what, java.util.function.Consumer<LiveMigrationHostActivities> c) {
    live(
        host,
        what,
        a -> {
          c.accept(a);
          return null;
        });
  }

  /**
   * Runs {@code call}. Throws {@link FerryRejection} when the agent refused, {@link
   * HostGoneException} when the host is dead by its record, {@link LiveStepException} otherwise.
   */
  private <S, T> T call(
      String host, String what, java.util.function.Supplier<S> stub, Function<S, T> call) {
    if (unreachable.contains(host)) {
      throw new HostGoneException(
          host, what + " on " + host + " not tried: host " + host + " is unreachable");
    }
    for (int round = 1; ; round++) {
      try {
        return call.apply(stub.get());
      } catch (ActivityFailure f) {
        FerryRejection rejection = FerryRejection.from(f).orElse(null);
        if (rejection != null) {
          throw rejection;
        }
        if (!LiveFailures.neverStarted(f)) {
          if (LiveFailures.timedOut(f) && !isAlive(host)) {
            unreachable.add(host);
            throw new HostGoneException(
                host,
                what
                    + " on "
                    + host
                    + " failed: host "
                    + host
                    + " is unreachable ("
                    + LiveFailures.message(f)
                    + ")");
          }
          throw new LiveStepException(what + " on " + host + " failed: " + LiveFailures.message(f));
        }
        if (round >= MAX_UNSTARTED_ROUNDS || !isAlive(host)) {
          unreachable.add(host);
          throw new HostGoneException(
              host,
              what
                  + " on "
                  + host
                  + " failed: host "
                  + host
                  + " is unreachable (no agent took the call within "
                  + scheduleToStart.toSeconds()
                  + " s)");
        }
      }
    }
  }

  /** Asks the host's record; marks the host unreachable when it is dead. */
  boolean isAlive(String host) {
    boolean alive;
    try {
      alive =
          ConductorStubs.summarized(WebUiTexts.hostAlive(host)).hostRecords().get(host).isAlive();
    } catch (ActivityFailure f) {
      alive = false;
    }
    if (!alive) {
      unreachable.add(host);
    }
    return alive;
  }

  private HypervisorActivities hypervisorStub(String host, String what) {
    return Summarized.stub(
        HypervisorActivities.class,
        base(host, Duration.ofSeconds(60)),
        Map.of(
            "HypervisorInspect", startToClose(Duration.ofSeconds(30)),
            "HypervisorRemove", startToClose(Duration.ofMinutes(2)),
            "HypervisorPowerOn", startToClose(Duration.ofMinutes(2))),
        WebUiTexts.hostCall(what, server, host));
  }

  private LiveMigrationHostActivities liveStub(String host, String what) {
    return Summarized.stub(
        LiveMigrationHostActivities.class,
        base(host, Duration.ofSeconds(60)),
        Map.of(
            "LivePrepareDestination",
            startToClose(Duration.ofMinutes(10)),
            "LiveSettleJob",
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(10))
                .setHeartbeatTimeout(Duration.ofSeconds(20))
                .build(),
            "LiveRemoveDisks",
            startToClose(Duration.ofMinutes(2))),
        WebUiTexts.hostCall(what, server, host));
  }

  ActivityOptions base(String host, Duration startToClose) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(Names.hostQueue(host))
        .setScheduleToStartTimeout(scheduleToStart)
        .setStartToCloseTimeout(startToClose)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(1))
                .setBackoffCoefficient(2.0)
                .setMaximumInterval(Duration.ofSeconds(20))
                .setMaximumAttempts(5)
                .setDoNotRetry(HypervisorStubs.rejectionTypes())
                .build())
        .build();
  }

  private static ActivityOptions startToClose(Duration timeout) {
    return ActivityOptions.newBuilder().setStartToCloseTimeout(timeout).build();
  }
}
