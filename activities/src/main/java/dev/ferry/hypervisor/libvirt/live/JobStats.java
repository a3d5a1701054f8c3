package dev.ferry.hypervisor.libvirt.live;

import java.util.Map;

/**
 * A libvirt migration job's statistics ({@code virDomainGetJobStats}); absent fields are 0.
 *
 * @param type libvirt's job type: 0 none, 1 bounded, 2 unbounded, 3 completed, 4 failed, 5
 *     cancelled
 * @param operation libvirt's job operation (3 = migration out), 0 when unknown
 */
public record JobStats(
    int type,
    int operation,
    long timeElapsedMs,
    long dataTotal,
    long dataProcessed,
    long dataRemaining,
    long memoryTotal,
    long memoryProcessed,
    long memoryRemaining,
    long memoryBps,
    long memoryIteration,
    long memoryDirtyRate,
    long diskTotal,
    long diskProcessed,
    long diskRemaining,
    long downtimeMs,
    long setupTimeMs) {

  /** From libvirt's typed parameters (field name to value as a string). */
  public static JobStats of(int type, Map<String, String> f) {
    return new JobStats(
        type,
        (int) num(f, "operation"),
        num(f, "time_elapsed"),
        num(f, "data_total"),
        num(f, "data_processed"),
        num(f, "data_remaining"),
        num(f, "memory_total"),
        num(f, "memory_processed"),
        num(f, "memory_remaining"),
        num(f, "memory_bps"),
        num(f, "memory_iteration"),
        num(f, "memory_dirty_rate"),
        num(f, "disk_total"),
        num(f, "disk_processed"),
        num(f, "disk_remaining"),
        num(f, "downtime"),
        num(f, "setup_time"));
  }

  /** Remaining data: memory plus disk when libvirt gives no total. */
  public long remaining() {
    return dataRemaining > 0 ? dataRemaining : memoryRemaining + diskRemaining;
  }

  private static long num(Map<String, String> f, String key) {
    String v = f.get(key);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      try {
        return (long) Double.parseDouble(v.trim());
      } catch (NumberFormatException e2) {
        return 0;
      }
    }
  }
}
