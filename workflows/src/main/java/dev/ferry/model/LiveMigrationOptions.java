package dev.ferry.model;

/**
 * A live migration's tunables. In a request every field may be null ("the cluster default"); the
 * workflow resolves them against the conductor's defaults ({@code
 * ferry.conductor.live-migration.*}, kept by placement in {@link Settings}; {@link #DEFAULTS}
 * unless configured) once, recorded in its history, so a changed configuration never alters a
 * running move.
 *
 * @param blockMigration copy the disks too: auto (Nova's rule), true, false
 * @param bandwidthMiBs cap on the migration stream, MiB/s; 0 = unlimited
 * @param maxDowntimeMs the longest pause libvirt may take to switch over
 * @param completionTimeoutSecondsPerGiB Nova's {@code live_migration_completion_timeout}: the job
 *     may run this many seconds per GiB of RAM plus copied disk (each counted as at least 2 GiB, as
 *     Nova); 0 = no limit
 * @param timeoutAction what the completion timeout does
 * @param progressTimeoutSeconds abort when the remaining data has not shrunk for this long; 0 = off
 * @param permitAutoConverge let QEMU throttle the guest's vCPUs so pre-copy converges
 * @param permitPostCopy allow switching to post-copy (force-complete, timeout action)
 * @param maxRetries with no destination given: how many further candidates to try when one fails
 *     its checks
 * @param queueTimeoutSeconds how long a move may wait for an outbound slot on the source
 */
public record LiveMigrationOptions(
    BlockMigration blockMigration,
    Long bandwidthMiBs,
    Long maxDowntimeMs,
    Long completionTimeoutSecondsPerGiB,
    TimeoutAction timeoutAction,
    Long progressTimeoutSeconds,
    Boolean permitAutoConverge,
    Boolean permitPostCopy,
    Integer maxRetries,
    Long queueTimeoutSeconds) {

  /** Nova's defaults (progress timeout: its former 150 s; retries: 3 further candidates). */
  public static final LiveMigrationOptions DEFAULTS =
      new LiveMigrationOptions(
          BlockMigration.AUTO, 0L, 500L, 800L, TimeoutAction.ABORT, 150L, false, false, 3, 3600L);

  /** Nothing set: every value comes from the defaults. */
  public static final LiveMigrationOptions NONE =
      new LiveMigrationOptions(null, null, null, null, null, null, null, null, null, null);

  /** Each field of this request, or {@code defaults}' where it is null. */
  public LiveMigrationOptions resolvedWith(LiveMigrationOptions defaults) {
    LiveMigrationOptions d = defaults == null ? DEFAULTS : defaults;
    return new LiveMigrationOptions(
        or(blockMigration, d.blockMigration, DEFAULTS.blockMigration),
        or(bandwidthMiBs, d.bandwidthMiBs, DEFAULTS.bandwidthMiBs),
        or(maxDowntimeMs, d.maxDowntimeMs, DEFAULTS.maxDowntimeMs),
        or(
            completionTimeoutSecondsPerGiB,
            d.completionTimeoutSecondsPerGiB,
            DEFAULTS.completionTimeoutSecondsPerGiB),
        or(timeoutAction, d.timeoutAction, DEFAULTS.timeoutAction),
        or(progressTimeoutSeconds, d.progressTimeoutSeconds, DEFAULTS.progressTimeoutSeconds),
        or(permitAutoConverge, d.permitAutoConverge, DEFAULTS.permitAutoConverge),
        or(permitPostCopy, d.permitPostCopy, DEFAULTS.permitPostCopy),
        or(maxRetries, d.maxRetries, DEFAULTS.maxRetries),
        or(queueTimeoutSeconds, d.queueTimeoutSeconds, DEFAULTS.queueTimeoutSeconds));
  }

  /** The first value that is out of range, said as a sentence; null when all are fine. */
  public String invalidReason() {
    if (negative(bandwidthMiBs)) {
      return "the bandwidth cannot be negative";
    }
    if (maxDowntimeMs != null && maxDowntimeMs < 1) {
      return "the max downtime must be at least 1 ms";
    }
    if (negative(completionTimeoutSecondsPerGiB)) {
      return "the completion timeout cannot be negative";
    }
    if (negative(progressTimeoutSeconds)) {
      return "the progress timeout cannot be negative";
    }
    if (maxRetries != null && maxRetries < 0) {
      return "max retries cannot be negative";
    }
    if (queueTimeoutSeconds != null && queueTimeoutSeconds < 1) {
      return "the queue timeout must be at least 1 s";
    }
    return null;
  }

  private static boolean negative(Long value) {
    return value != null && value < 0;
  }

  @SafeVarargs
  private static <T> T or(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
