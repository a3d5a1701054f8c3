package dev.ferry.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The compute-service record kept by its HostWorkflow. */
public final class HostRecord {
  /**
   * The disable reason of a host whose cleanup failed (Nova's "AUTO:" service disable): set by the
   * agent or the HostWorkflow, lifted by them alone (never an operator's disable).
   */
  public static final String CLEANUP_DISABLED_PREFIX = "AUTO: cleanup failed: ";

  /** A host's disable reason is at most this long (HostWorkflow's validator). */
  public static final int MAX_DISABLED_REASON = 255;

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

  /**
   * Why owed items failed when the serving agent ran them, by item id: they stay owed, and are not
   * sent again until an operator retries or drops them ({@code ferry host cleanup}).
   */
  public Map<String, String> cleanupFailures = new LinkedHashMap<>();

  public List<String> unmanagedDomains = new ArrayList<>();

  /** Nova's max_concurrent_live_migrations for this host's outbound migrations. */
  public int maxConcurrentLiveMigrations = 1;

  /** Moves holding an outbound live-migration slot, and those queued for one (FIFO). */
  public List<String> slotHolders = new ArrayList<>();

  public List<String> slotQueue = new ArrayList<>();

  /**
   * The {@link #CLEANUP_DISABLED_PREFIX} reason naming the first failed item and why, and how many
   * more failed, cut to {@link #MAX_DISABLED_REASON}.
   */
  public static String cleanupDisabledReason(CleanupItem first, String why, int more) {
    String reason =
        CLEANUP_DISABLED_PREFIX
            + first.id()
            + " ("
            + first.reason()
            + "): "
            + why
            + (more > 0 ? " (and " + more + " more)" : "");
    return reason.length() > MAX_DISABLED_REASON
        ? reason.substring(0, MAX_DISABLED_REASON - 3) + "..."
        : reason;
  }

  /** True when the host is disabled by its own failed cleanup (not by an operator). */
  @JsonIgnore
  public boolean disabledByCleanup() {
    return !enabled && disabledReason != null && disabledReason.startsWith(CLEANUP_DISABLED_PREFIX);
  }

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
