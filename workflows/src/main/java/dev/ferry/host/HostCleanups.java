package dev.ferry.host;

import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.HostCallOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;

/**
 * A host's cleanup list, run when items arrive. At start-up the agent runs what its host owes
 * before it serves; an item that arrives while it serves (an evacuation that ends after the host
 * came back, items owed when an operator sets a forced-down host up again) is sent to it at once.
 * An item that fails stays owed with its reason, is not sent again by itself, and disables the host
 * (the same AUTO disable as at start-up) until an operator retries or drops it.
 */
final class HostCleanups {
  /** The change that sends owed items to a serving agent: runs from before it never do. */
  static final String ON_ARRIVAL = "cleanup-on-arrival";

  private final HostRecord host;
  private boolean onArrival;
  private boolean sending;

  HostCleanups(HostRecord host) {
    this.host = host;
  }

  /** Called once as the run starts: whether this run sends items on arrival (getVersion). */
  void decideVersion() {
    onArrival = Workflow.getVersion(ON_ARRIVAL, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * True when items are owed that the serving agent has not been sent yet (and none is on its way).
   *
   * @param serving the host is UP and its current incarnation holds a lease
   */
  boolean due(boolean serving) {
    return onArrival && serving && !sending && !unsent().isEmpty();
  }

  /** Sends the owed items that have not failed to the host's agent; the answer updates the list. */
  void send() {
    List<CleanupItem> items = unsent();
    sending = true;
    HostCleanupActivities agent =
        Workflow.newActivityStub(
            HostCleanupActivities.class, HostCallOptions.hostCleanup(host.name));
    Async.function(agent::run, items)
        .handle(
            (report, failure) -> {
              sending = false;
              if (failure != null) {
                String why = "not carried out: " + ActivityFailures.message(failure);
                items.forEach(i -> host.cleanupFailures.put(i.id(), why));
              } else {
                done(report.done());
                host.cleanupFailures.putAll(report.failed());
              }
              disableWhileFailing();
              return null;
            });
  }

  /** Items carried out (by the agent's start-up or on arrival) leave the list. */
  void done(List<String> itemIds) {
    host.cleanup.removeIf(c -> itemIds.contains(c.id()));
    host.cleanupFailures.keySet().removeIf(itemIds::contains);
  }

  /** {@code ferry host cleanup --retry}: failed items are sent again. */
  void retry() {
    host.cleanupFailures.clear();
    disableWhileFailing();
  }

  /**
   * {@code ferry host cleanup --drop}: the operator takes the item off the list, not carried out.
   */
  void drop(String itemId) {
    done(List.of(itemId));
    disableWhileFailing();
  }

  /** Refuses a drop of an item the host does not owe. */
  void requireOwed(String itemId) {
    if (host.cleanup.stream().noneMatch(c -> c.id().equals(itemId))) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "host "
              + host.name
              + " owes no cleanup item "
              + itemId
              + "; see 'ferry host cleanup "
              + host.name
              + "'");
    }
  }

  /**
   * Keeps placement away while an item fails (the AUTO disable), and lifts that disable (never an
   * operator's) once none does.
   */
  private void disableWhileFailing() {
    if (host.cleanupFailures.isEmpty()) {
      if (host.disabledByCleanup()) {
        host.enabled = true;
        host.disabledReason = null;
      }
      return;
    }
    if (!host.enabled && !host.disabledByCleanup()) {
      return; // an operator's disable stays as it is
    }
    Map.Entry<String, String> first = host.cleanupFailures.entrySet().iterator().next();
    CleanupItem item =
        host.cleanup.stream().filter(c -> c.id().equals(first.getKey())).findFirst().orElse(null);
    if (item == null) {
      return;
    }
    host.enabled = false;
    host.disabledReason =
        HostRecord.cleanupDisabledReason(item, first.getValue(), host.cleanupFailures.size() - 1);
  }

  private List<CleanupItem> unsent() {
    return host.cleanup.stream().filter(c -> !host.cleanupFailures.containsKey(c.id())).toList();
  }
}
