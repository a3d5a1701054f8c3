package dev.ferry.resize;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.move.MoveStepException;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * Nova's shared-storage test, still in PRE_MIGRATING with nothing stopped: the destination writes a
 * probe volume beside the disk and the source looks for it. Shared: the destination uses the same
 * file and nothing is copied. Not shared: the disk is copied once the source is stopped.
 */
final class SharedStorageProbe {

  private static final Logger log = Workflow.getLogger(SharedStorageProbe.class);

  private final ResizeRun run;

  SharedStorageProbe(ResizeRun run) {
    this.run = run;
  }

  /**
   * Still PRE_MIGRATING, nothing stopped yet: Nova's shared-storage test. The destination writes a
   * probe volume beside the disk and the source looks for it. Shared: the destination uses the same
   * file and nothing is copied. Not shared: the disk is copied once the source is stopped.
   */
  void check() {
    if (run.record.diskPath == null
        || run.record.diskPath.isBlank()
        || run.sameHost
        || run.diskCopyVersion == Workflow.DEFAULT_VERSION) {
      return; // no disk, or the same one; or a history from before the probe
    }
    String probe = probePath();
    run.hosts.disk(
        run.dest,
        "write the shared-storage probe",
        d -> {
          d.writeProbe(probe);
          return null;
        });
    boolean shared;
    try {
      shared =
          run.hosts.disk(
              run.source,
              "look for " + run.dest + "'s shared-storage probe",
              d -> d.probeExists(probe));
    } finally {
      removeProbeQuietly(probe);
    }
    run.copiesDisk = !shared;
    log.info(
        "{}: disk {} is {}",
        run.what(),
        run.record.diskPath,
        shared
            ? "on storage shared by " + run.source + " and " + run.dest
            : "host-local: it is copied");
  }

  private String probePath() {
    String path = run.record.diskPath;
    int slash = path.lastIndexOf('/');
    String dir = slash <= 0 ? "/" : path.substring(0, slash);
    return dir + "/" + DiskActivities.PROBE_PREFIX + run.moveId();
  }

  private void removeProbeQuietly(String probe) {
    try {
      run.hosts.disk(
          run.dest,
          "remove the shared-storage probe",
          d -> {
            d.removeProbe(probe);
            return null;
          });
    } catch (MoveStepException e) {
      log.warn("probe {} left on {}: {}", probe, run.dest, e.getMessage());
    }
  }
}
