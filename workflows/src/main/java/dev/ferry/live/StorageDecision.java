package dev.ferry.live;

import dev.ferry.model.BlockMigration;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared storage as the probe found it, and block migration by Nova's rules (no commands). */
final class StorageDecision {
  private StorageDecision() {}

  /**
   * Sets {@link LiveRun#sharedStorage} and {@link LiveRun#blockMigration} for {@code candidate}, or
   * refuses it.
   *
   * @param seen the probe files the source saw (those in shared directories)
   */
  static void decide(
      LiveRun run, String candidate, List<String> dirs, DestinationFacts df, List<String> seen) {
    int sharedDirs = 0;
    for (String path : df.probePaths()) {
      if (seen.contains(path)) {
        sharedDirs++;
      }
    }
    boolean hasDisks = !dirs.isEmpty();
    if (sharedDirs > 0 && sharedDirs < dirs.size()) {
      throw reject(
          Reason.INVALID_STATE,
          run.record.name
              + " has disks both on storage shared with "
              + candidate
              + " and on local storage: not supported");
    }
    boolean shared = !hasDisks || sharedDirs == dirs.size();
    BlockMigration wanted = run.options.blockMigration();
    if (wanted == BlockMigration.TRUE && hasDisks && shared) {
      throw reject(
          Reason.INVALID_ARGUMENT,
          "cannot block-migrate "
              + run.record.name
              + ": its disks are on storage shared with "
              + candidate
              + " (use --block-migrate false or auto)");
    }
    if (wanted == BlockMigration.FALSE && !shared) {
      throw reject(
          Reason.INVALID_ARGUMENT,
          run.record.name
              + "'s disks are not on storage shared with "
              + candidate
              + ": live migration needs --block-migrate true (or auto)");
    }
    boolean block = hasDisks && !shared;
    if (block) {
      Map<String, Long> needed = new LinkedHashMap<>();
      for (DiskInfo disk : run.facts.disks()) {
        needed.merge(LiveRun.parent(disk.path()), disk.virtualSizeBytes(), Long::sum);
      }
      for (Map.Entry<String, Long> e : needed.entrySet()) {
        Long free = df.freeBytesByDir().get(e.getKey());
        if (free != null && free < e.getValue()) {
          throw reject(
              Reason.INSUFFICIENT_CAPACITY,
              "destination "
                  + candidate
                  + " has "
                  + mib(free)
                  + " MiB free under "
                  + e.getKey()
                  + "; the disks to copy need "
                  + mib(e.getValue())
                  + " MiB");
        }
      }
    }
    run.sharedStorage = shared;
    run.blockMigration = block;
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  private static FerryRejection reject(Reason reason, String message) {
    return new FerryRejection(reason, message);
  }
}
