package dev.ferry.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The compute-service record kept by its HostWorkflow. */
public final class HostRecord {
  public String name;
  public HostStatus status = HostStatus.DOWN;
  public boolean enabled = true;
  public String disabledReason;

  /** Set by an operator; the host counts as DOWN until an operator unsets it (as Nova). */
  public boolean forcedDown;

  public String hypervisorType;
  public long hypervisorVersion;
  public String libvirtUri;

  /** How peers' libvirt reaches this host's libvirt (qemu+tcp://host/system). */
  public String migrationUri;

  public HostInventory inventory;

  /** The agent process holding the lease; a stale lease of another incarnation is ignored. */
  public String incarnation;

  /**
   * The lease period the current incarnation announced; null for one registered before agents
   * announced it (the HostWorkflow's default applies).
   */
  public Duration leasePeriod;

  /**
   * Deleted by an operator ({@code ferry host delete}): the host's run has ended. A completed
   * workflow still answers queries, so readers of the record tell a deleted host by this.
   */
  public boolean retired;

  public long statusChangedAtMillis;
  public String downReason;
  public List<CleanupItem> cleanup = new ArrayList<>();
  public List<String> unmanagedDomains = new ArrayList<>();

  /** Nova's max_concurrent_live_migrations for this host's outbound migrations. */
  public int maxConcurrentLiveMigrations = 1;

  /** Moves holding an outbound live-migration slot, and those queued for one (FIFO). */
  public List<String> slotHolders = new ArrayList<>();

  public List<String> slotQueue = new ArrayList<>();

  /** UP, not forced down: what the scheduler and moves count as alive. */
  @JsonIgnore
  public boolean isAlive() {
    return status == HostStatus.UP && !forcedDown;
  }

  @JsonIgnore
  public HostSummary summary() {
    return new HostSummary(
        name,
        isAlive() ? HostStatus.UP : HostStatus.DOWN,
        enabled,
        forcedDown,
        inventory,
        hypervisorType,
        hypervisorVersion);
  }
}
