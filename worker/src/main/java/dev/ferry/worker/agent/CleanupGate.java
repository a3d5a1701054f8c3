package dev.ferry.worker.agent;

import dev.ferry.host.HostWorkflow;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.HostRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host that returns destroys what it owes (the copies evacuated elsewhere, stale copies after a
 * move it missed) BEFORE it serves again. Nova's compute service does not start when destroying
 * evacuated instances fails; neither does a Ferry agent.
 *
 * <p>The agent reads its host's cleanup list and runs it before it registers. While an item fails,
 * it does not serve: it does not register (the host stays DOWN, as its lost lease left it), it
 * polls no work, it names the failing item and why in its log and in the host's record (disabled
 * with the reason {@value #AUTO_DISABLED_PREFIX}..., Nova's "AUTO:" service disable, so placement
 * keeps away even once the host is UP), and it tries again with a growing backoff. Once every item
 * is done it registers (then runs any item owed since it read the list), lifts its own disable
 * (never an operator's) and serves. With every item done at the first pass it serves at once, as
 * before.
 */
public final class CleanupGate {
  private static final Logger log = LoggerFactory.getLogger(CleanupGate.class);

  /** The disable reason the agent sets, and the only one it lifts. */
  public static final String AUTO_DISABLED_PREFIX = HostRecord.CLEANUP_DISABLED_PREFIX;

  /** Waits between attempts; a test's is instant. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final String hostName;
  private final AgentReconciler reconciler;
  private final HostWorkflow host;
  private final Sleeper sleeper;
  private final BooleanSupplier stopping;
  private final Duration firstBackoff;
  private final Duration maxBackoff;

  public CleanupGate(
      String hostName,
      AgentReconciler reconciler,
      HostWorkflow host,
      Sleeper sleeper,
      BooleanSupplier stopping,
      Duration firstBackoff,
      Duration maxBackoff) {
    this.hostName = hostName;
    this.reconciler = reconciler;
    this.host = host;
    this.sleeper = sleeper;
    this.stopping = stopping;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * Returns once every cleanup item is done and the agent is registered ({@code register}: the
   * HostWorkflow's register update), with the record register returned; null when the agent is
   * stopping (or interrupted) first, never registered then unless an item failed after it.
   */
  public HostRecord open(Supplier<HostRecord> register) {
    Set<String> doneIds = new HashSet<>();
    Duration backoff = firstBackoff;
    HostRecord record = host.get();
    boolean registered = false;
    while (true) {
      List<CleanupItem> todo = new ArrayList<>();
      for (CleanupItem item : record.cleanup) {
        if (!doneIds.contains(item.id())) {
          todo.add(item);
        }
      }
      AgentReconciler.CleanupOutcome outcome = reconciler.cleanUp(todo);
      if (!outcome.done().isEmpty()) {
        host.cleanupDone(outcome.done());
        doneIds.addAll(outcome.done());
      }
      if (outcome.failed().isEmpty()) {
        if (registered) {
          break;
        }
        // Registered only now: a copy the host owes is gone before the host is UP. Items owed
        // since the list was read come back with the record: the next pass runs them.
        record = register.get();
        registered = true;
        continue;
      }
      registered = false; // an item owed since registration failed: register again once it is done
      refuse(record, outcome.failed(), backoff);
      if (stopping.getAsBoolean()) {
        return null;
      }
      try {
        sleeper.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      if (stopping.getAsBoolean()) {
        return null;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
      record = host.get();
    }
    if (record.disabledReason != null && record.disabledReason.startsWith(AUTO_DISABLED_PREFIX)) {
      log.info("cleanup of {} done: lifting its own disable ({})", hostName, record.disabledReason);
      record = host.setEnabled(true, null);
    }
    return record;
  }

  /** Says which items fail and why, and keeps placement away from the host. */
  private void refuse(HostRecord record, Map<CleanupItem, String> failed, Duration retryIn) {
    for (Map.Entry<CleanupItem, String> f : failed.entrySet()) {
      CleanupItem item = f.getKey();
      log.error(
          "NOT SERVING {}: cleanup item {} ({} {} of instance {}, epoch <= {}) failed: {};"
              + " the host owes it before it serves again (Nova: nova-compute does not start"
              + " when destroying evacuated instances fails); retrying in {} s",
          hostName,
          item.id(),
          item.kind(),
          item.reason(),
          item.instanceId(),
          item.epochAtMost(),
          f.getValue(),
          retryIn.toSeconds());
    }
    Map.Entry<CleanupItem, String> first = failed.entrySet().iterator().next();
    String reason =
        HostRecord.cleanupDisabledReason(first.getKey(), first.getValue(), failed.size() - 1);
    boolean ours =
        record.disabledReason != null && record.disabledReason.startsWith(AUTO_DISABLED_PREFIX);
    if (!(record.enabled || (ours && !reason.equals(record.disabledReason)))) {
      return; // disabled by an operator (left alone), or already with this very reason
    }
    try {
      host.setEnabled(false, reason);
    } catch (RuntimeException e) {
      log.warn("could not record the failed cleanup on host {}: {}", hostName, e.toString());
    }
  }
}
