package dev.ferry.host;

import dev.ferry.model.AgentRegistration;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.HostRecord;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** {@code host:<name>}: the compute-service record, liveness and cleanup list of one host. */
@WorkflowInterface
public interface HostWorkflow {

  @WorkflowMethod
  void run(HostRecord record);

  /** An agent starting up: the host becomes UP under this incarnation; returns the record. */
  @UpdateMethod
  HostRecord register(AgentRegistration registration);

  @UpdateMethod
  HostRecord setEnabled(boolean enabled, String reason);

  @UpdateMethod
  HostRecord setForcedDown(boolean forcedDown);

  @UpdateValidatorMethod(updateName = "setEnabled")
  void validateSetEnabled(boolean enabled, String reason);

  /**
   * `host delete`: placement forgets the host, then this run ends; a later registration starts the
   * host anew. Refused (nothing changed) while its agent runs, a live migration holds one of its
   * slots, it owes clean-ups ({@link HostRetirement}) or anything is claimed on it (placement).
   */
  @UpdateMethod
  void retire();

  @UpdateValidatorMethod(updateName = "retire")
  void validateRetire();

  /**
   * Asks for an outbound live-migration slot for {@code moveId}: true when granted now; false when
   * queued, and the move is sent the signal {@value #SLOT_GRANTED_SIGNAL} (with the host name) when
   * its turn comes. Idempotent by move id.
   */
  @UpdateMethod
  boolean acquireSlot(String moveId);

  /** Frees the move's slot or queue place; the next queued move is granted. Idempotent. */
  @UpdateMethod
  void releaseSlot(String moveId);

  /** The signal a queued move receives when it is granted its slot. */
  String SLOT_GRANTED_SIGNAL = "slotGranted";

  @SignalMethod
  void addCleanup(CleanupItem item);

  @SignalMethod
  void cleanupDone(List<String> itemIds);

  /**
   * {@code ferry host cleanup --retry}: the items that failed on the serving agent are sent to it
   * again (and the host's own AUTO disable is lifted until one fails again).
   */
  @UpdateMethod
  HostRecord retryCleanup();

  /**
   * {@code ferry host cleanup --drop ID}: the operator takes an item off the list without it being
   * carried out (the stale copy was removed by hand, or the host was rebuilt).
   */
  @UpdateMethod
  HostRecord dropCleanup(String itemId);

  @UpdateValidatorMethod(updateName = "dropCleanup")
  void validateDropCleanup(String itemId);

  /** Domains on the host that no instance record explains (adoptable). */
  @SignalMethod
  void reportUnmanaged(List<String> domainNames);

  @QueryMethod
  HostRecord get();
}
