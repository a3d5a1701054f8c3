package dev.ferry.hypervisor.libvirt.live;

import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.live.JobRequest;
import java.util.Optional;

/**
 * The libvirt calls the job needs, on one domain of the source host: a seam so the job's logic
 * (re-attach, cancellation, timeouts) is tested without libvirt, and run for real on the test bed.
 */
public interface MigrationDriver {

  /** Starts the migration and blocks until it ends; throws libvirt's failure. */
  void migrate(JobRequest request) throws Exception;

  /** The running job's statistics; empty when no job runs. */
  Optional<JobStats> activeJob() throws Exception;

  /** The last completed job's statistics on this host, when libvirt still has them. */
  Optional<JobStats> completedJob() throws Exception;

  /** Where the guest is as this host sees it. */
  SourceState sourceState() throws Exception;

  void abortJob() throws Exception;

  void suspend() throws Exception;

  void startPostCopy() throws Exception;

  void setMaxDowntime(long millis) throws Exception;

  /** Changes the running job's bandwidth cap, MiB/s. */
  void setMaxSpeed(long mibPerSecond) throws Exception;

  /**
   * The cap a paused guest's migration gets: a cap protects a running guest's performance; once the
   * guest is paused to force completion it only makes the pause longer.
   */
  long UNCAPPED_MIB_PER_SECOND = 10_240;

  /** Opens a driver for one domain (by UUID) of this host. */
  @FunctionalInterface
  interface Factory {
    MigrationDriver forDomain(String instanceId);
  }
}
