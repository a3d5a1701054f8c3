package dev.ferry.evacuate;

import dev.ferry.entities.Entities;
import dev.ferry.entities.HostRecordActivities;
import dev.ferry.evacuate.HostMoveItem.State;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.Summarized;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * The machinery a host evacuation and a host drain share: list the host's instances once, ask each
 * InstanceWorkflow to start its move (so the instance lock holds), at most N in flight, and await
 * their close by long-polling the instance records. Resumable: the state is the workflow's own, and
 * child move ids derive from the first run's id and the instance id, so a resumed run (worker
 * crash, replay, continue-as-new) asks for the same move again and the instance answers with it
 * instead of starting a second one. Continues as new between polls, carrying running moves. Every
 * wait is bounded: each long poll by {@link ConductorCalls#AWAIT_MOVES_MAX}, the run by its
 * deadline.
 */
abstract class HostMovesRun {

  static final Duration DEFAULT_TIMEOUT = Duration.ofHours(24);

  /** After a failed long poll (conductor trouble), wait this long before the next. */
  static final Duration RETRY_PAUSE = Duration.ofSeconds(10);

  /**
   * Version 1: running moves are carried across continue-as-new, and the deadline is checked before
   * anything starts.
   */
  static final String CARRY_RUNNING_MOVES = "host-moves-carry-running";

  private static final Logger log = Workflow.getLogger(HostMovesRun.class);

  private final HostMovesActivities moves;
  final HostRecordActivities hostRecords = ConductorCalls.hostRecords();
  HostMovesInput input;
  private HostMovesState state = new HostMovesState();
  private HostMovesStatus status = HostMovesStatus.RUNNING;

  /**
   * @param awaitHeartbeat the long poll's heartbeat timeout: how soon a killed conductor's poll is
   *     retried ({@link ConductorCalls#AWAIT_MOVES_HEARTBEAT}; tests pass less)
   */
  HostMovesRun(Duration awaitHeartbeat) {
    this.moves = ConductorCalls.hostMoves(awaitHeartbeat);
  }

  /** {@code host-evacuation} or {@code host-drain}. */
  abstract String kind();

  abstract MoveType moveType();

  /** Refuses (FerryRejection) a host this kind of run cannot work on. */
  abstract void checkHost(HostRecord host);

  /** Why {@code instance} is not moved by this run; null when it is. */
  abstract String skipReason(InstanceBrief instance);

  /** Runs after the check, before the host is listed (drain: disable it). */
  void beforeMoves() {}

  HostMovesActivities moves() {
    return moves;
  }

  HostMovesView execute(HostMovesInput in) {
    input = in;
    if (in.host() == null || in.host().isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a host is required").toFailure();
    }
    if (in.state() != null) {
      state = in.state();
    }
    if (!state.prepared) {
      try {
        prepare();
      } catch (FerryRejection r) {
        status = HostMovesStatus.REFUSED;
        throw r.toFailure(); // nothing was started
      }
    }
    int limit = Math.max(1, in.concurrency());
    boolean carriesRunningMoves =
        Workflow.getVersion(CARRY_RUNNING_MOVES, Workflow.DEFAULT_VERSION, 1) >= 1;
    while (true) {
      if (mayContinueAsNew(carriesRunningMoves) && Entities.historyTooLong()) {
        // No poll is out here: the running moves are carried in the state by their ids (derived
        // from the first run's id), and the next run polls them again.
        Workflow.continueAsNew(
            new HostMovesInput(
                in.host(),
                in.concurrency(),
                in.requestedBy(),
                in.fenceMethod(),
                in.timeoutSeconds(),
                state,
                in.destHost()));
      }
      if (carriesRunningMoves && pastDeadline()) {
        // before starting anything: a slot freed by a poll that answered late starts nothing
        timeOut();
        break;
      }
      startWhatFits(limit);
      if (count(State.RUNNING) == 0 && count(State.PENDING) == 0) {
        break;
      }
      if (pastDeadline()) {
        timeOut();
        break;
      }
      awaitSome();
    }
    if (status != HostMovesStatus.TIMED_OUT) {
      status = count(State.FAILED) > 0 ? HostMovesStatus.PARTIAL : HostMovesStatus.DONE;
    }
    Workflow.setCurrentDetails(summary());
    return view();
  }

  /**
   * Before version 1 a run continued as new only with no move running, which at a concurrency above
   * 1 almost never happens (a freed slot is refilled first): a large host's history grew unbounded.
   */
  private boolean mayContinueAsNew(boolean carriesRunningMoves) {
    if (carriesRunningMoves) {
      return count(State.RUNNING) + count(State.PENDING) > 0;
    }
    return count(State.RUNNING) == 0 && count(State.PENDING) > 0;
  }

  private boolean pastDeadline() {
    return Workflow.currentTimeMillis() >= state.deadlineMillis;
  }

  private void prepare() {
    state.seed = Workflow.getInfo().getWorkflowId() + "/" + Workflow.getInfo().getRunId();
    state.startedAtMillis = Workflow.currentTimeMillis();
    long timeoutMillis =
        input.timeoutSeconds() > 0
            ? Duration.ofSeconds(input.timeoutSeconds()).toMillis()
            : DEFAULT_TIMEOUT.toMillis();
    state.deadlineMillis = state.startedAtMillis + timeoutMillis;
    checkHost(hostRecord(input.host()));
    beforeMoves();
    List<InstanceBrief> instances = call(() -> moves.instancesOn(input.host()));
    for (InstanceBrief i : instances) {
      HostMoveItem item = new HostMoveItem(i.id(), i.name(), moveIdFor(i.id()));
      String skip = skipReason(i);
      if (skip != null) {
        item.state = State.SKIPPED;
        item.detail = skip;
      }
      state.items.add(item);
    }
    state.prepared = true;
    Workflow.setCurrentDetails(summary());
  }

  /** Deterministic: the same run and instance always ask for the same move. */
  String moveIdFor(String instanceId) {
    return UUID.nameUUIDFromBytes((state.seed + "/" + instanceId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private void startWhatFits(int limit) {
    for (HostMoveItem item : state.items) {
      if (count(State.RUNNING) >= limit) {
        return;
      }
      if (item.state != State.PENDING) {
        continue;
      }
      MoveRequest request =
          new MoveRequest(
              item.moveId,
              moveType(),
              item.instanceId,
              // a drain's live migrations are placed one by one; an evacuation may have a target
              moveType() == MoveType.EVACUATION ? input.destHost() : null,
              null,
              null,
              requester(),
              moveType() == MoveType.EVACUATION ? input.fenceMethod() : null);
      try {
        String workflowId = moves.startMove(request);
        item.moveId = stripMovePrefix(workflowId); // an evacuation already running answers too
        item.state = State.RUNNING;
        item.moveStatus = InstanceMoveStatus.ACCEPTED.novaName();
        item.startedAtMillis = Workflow.currentTimeMillis();
      } catch (ActivityFailure f) {
        item.state = State.FAILED;
        item.detail =
            FerryRejection.from(f)
                .map(r -> r.reason() + ": " + r.getMessage())
                .orElse("could not start its move: " + ActivityFailures.message(f));
        item.endedAtMillis = Workflow.currentTimeMillis();
      }
      Workflow.setCurrentDetails(summary());
    }
  }

  private void awaitSome() {
    List<MoveRef> refs = new ArrayList<>();
    for (HostMoveItem item : state.items) {
      if (item.state == State.RUNNING) {
        refs.add(new MoveRef(item.instanceId, item.moveId));
      }
    }
    long left = state.deadlineMillis - Workflow.currentTimeMillis();
    int waitSeconds =
        (int)
            Math.max(1, Math.min(ConductorCalls.AWAIT_MOVES_MAX.toSeconds(), (left + 999) / 1000));
    List<MoveState> states;
    try {
      states = moves.awaitMoves(refs, waitSeconds);
    } catch (ActivityFailure f) {
      log.warn("awaiting moves failed: {}", ActivityFailures.message(f));
      Summarized.sleep(RETRY_PAUSE, "pause before asking about the moves again");
      return;
    }
    for (MoveState s : states) {
      for (HostMoveItem item : state.items) {
        if (item.state == State.RUNNING && item.moveId.equals(s.moveId())) {
          item.moveStatus = s.status();
          if (s.closed()) {
            boolean moved = s.succeeded() && !input.host().equals(s.host());
            item.state = moved ? State.DONE : State.FAILED;
            item.detail =
                moved
                    ? "on " + s.host()
                    : (s.error() != null ? s.error() : "ended " + s.status() + " on " + s.host());
            item.endedAtMillis = Workflow.currentTimeMillis();
          }
        }
      }
    }
    Workflow.setCurrentDetails(summary());
  }

  private void timeOut() {
    status = HostMovesStatus.TIMED_OUT;
    long now = Workflow.currentTimeMillis();
    for (HostMoveItem item : state.items) {
      if (item.state == State.RUNNING) {
        item.state = State.FAILED;
        item.detail =
            "still " + item.moveStatus + " at the deadline: no longer awaited (it goes on)";
        item.endedAtMillis = now;
      } else if (item.state == State.PENDING) {
        item.state = State.FAILED;
        item.detail = "not started before the deadline";
        item.endedAtMillis = now;
      }
    }
  }

  HostMovesView view() {
    return new HostMovesView(
        kind(),
        input == null ? null : input.host(),
        status.novaName(),
        input == null ? 0 : Math.max(1, input.concurrency()),
        count(State.PENDING),
        count(State.RUNNING),
        count(State.DONE),
        count(State.FAILED),
        count(State.SKIPPED),
        List.copyOf(state.items));
  }

  private String summary() {
    return kind()
        + " of "
        + input.host()
        + ": "
        + count(State.DONE)
        + " done, "
        + count(State.RUNNING)
        + " running, "
        + count(State.PENDING)
        + " pending, "
        + count(State.FAILED)
        + " failed, "
        + count(State.SKIPPED)
        + " skipped";
  }

  private int count(State s) {
    int n = 0;
    for (HostMoveItem item : state.items) {
      if (item.state == s) {
        n++;
      }
    }
    return n;
  }

  String requester() {
    String who =
        input.requestedBy() == null || input.requestedBy().isBlank()
            ? "unknown"
            : input.requestedBy();
    return who + " (" + kind() + " of " + input.host() + ")";
  }

  HostRecord hostRecord(String host) {
    return call(() -> hostRecords.get(host));
  }

  /** A conductor call whose rejection is the run's refusal. */
  static <T> T call(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (ActivityFailure f) {
      throw FerryRejection.from(f)
          .orElseGet(() -> new FerryRejection(Reason.UNREACHABLE, ActivityFailures.message(f)));
    }
  }

  private static String stripMovePrefix(String workflowId) {
    return workflowId != null && workflowId.startsWith("move:")
        ? workflowId.substring("move:".length())
        : workflowId;
  }
}
