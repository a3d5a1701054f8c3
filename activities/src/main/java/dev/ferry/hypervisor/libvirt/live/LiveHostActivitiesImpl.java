package dev.ferry.hypervisor.libvirt.live;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.libvirt.ActivityBoundary;
import dev.ferry.hypervisor.libvirt.DomainChanges;
import dev.ferry.hypervisor.libvirt.Domains;
import dev.ferry.hypervisor.libvirt.FerryTag;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.SharedStorageProbe;
import dev.ferry.live.DestinationCheck;
import dev.ferry.live.DestinationFacts;
import dev.ferry.live.FinishedAtDestination;
import dev.ferry.live.JobOutcome;
import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.live.JobRequest;
import dev.ferry.live.LiveMigrationHostActivities;
import dev.ferry.live.PrepareRequest;
import dev.ferry.live.SourceFacts;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LiveMigrationHostActivities} on this host's libvirt. Disks and probes are volumes of
 * libvirt's storage pools; the agent runs in its host's mount namespace and reads free space and
 * directories itself: {@code localPath} maps a path of the host to where the agent sees it
 * (identity in production; a test from another namespace maps it to the host's directory).
 */
public class LiveHostActivitiesImpl implements LiveMigrationHostActivities {
  private static final Logger log = LoggerFactory.getLogger(LiveHostActivitiesImpl.class);

  /** How often the job polls libvirt and heartbeats. */
  static final Duration POLL = Duration.ofMillis(250);

  private final LibvirtConnection connection;
  private final LiveMigrationJob.Signaller signaller;
  private final MigrationDriver.Factory drivers;
  private final Function<String, Path> localPath;
  private final DestinationChecks checks;
  private final Duration poll;

  /** The agent's: signals go through its Temporal client. */
  public LiveHostActivitiesImpl(LibvirtConnection connection, WorkflowClient client) {
    this(
        connection,
        (workflowId, name, arg) -> client.newUntypedWorkflowStub(workflowId).signal(name, arg),
        uuid -> new LibvirtMigrationDriver(connection, uuid),
        Path::of,
        POLL);
  }

  LiveHostActivitiesImpl(
      LibvirtConnection connection,
      LiveMigrationJob.Signaller signaller,
      MigrationDriver.Factory drivers,
      Function<String, Path> localPath,
      Duration poll) {
    this.connection = connection;
    this.signaller = signaller;
    this.drivers = drivers;
    this.localPath = localPath;
    this.checks = new DestinationChecks(localPath);
    this.poll = poll;
  }

  // ---- checks --------------------------------------------------------------------------------

  @Override
  public SourceFacts inspectSource(String instanceId) {
    String uuid = Domains.requireUuid(instanceId);
    return activity(
        "inspect " + uuid,
        () -> connection.read(c -> SourceInspection.inspect(c, uuid, hostLabel())));
  }

  /** The checks, then one probe in each of the directories this host has (and their free space). */
  @Override
  public DestinationFacts checkDestination(DestinationCheck check) {
    String uuid = Domains.requireUuid(check.instanceId());
    String here = hostLabel();
    return activity(
        "check destination for " + uuid,
        () -> {
          DestinationChecks.Result facts =
              connection.call(c -> checks.check(c, uuid, check.source(), here));
          List<String> probes = new ArrayList<>();
          Map<String, Long> free = new LinkedHashMap<>();
          for (String dir : check.probeDirs()) {
            Path local = localPath.apply(dir);
            free.put(dir, usableSpace(local));
            if (Files.isDirectory(local)) {
              String probe = dir + "/" + DiskActivities.PROBE_PREFIX + check.moveId();
              connection.call(
                  c -> {
                    SharedStorageProbe.write(c, probe);
                    return null;
                  });
              probes.add(probe);
            }
          }
          return new DestinationFacts(
              facts.hypervisorType(),
              facts.hypervisorVersion(),
              facts.cpuComparison(),
              probes,
              free);
        });
  }

  @Override
  public List<String> probesSeen(List<String> probePaths) {
    return activity(
        "look for probes",
        () ->
            connection.call(
                c -> {
                  List<String> seen = new ArrayList<>();
                  for (String p : probePaths) {
                    if (SharedStorageProbe.isProbe(p) && SharedStorageProbe.exists(c, p)) {
                      seen.add(p);
                    }
                  }
                  return seen;
                }));
  }

  /** Removes the probes; a path that is not a probe's is left alone. */
  @Override
  public void removeProbes(List<String> probePaths) {
    activity(
        "remove probes",
        () ->
            connection.call(
                c -> {
                  for (String p : probePaths) {
                    if (SharedStorageProbe.isProbe(p)) {
                      SharedStorageProbe.remove(c, p);
                    }
                  }
                  return null;
                }));
  }

  // ---- pre_live_migration ----------------------------------------------------------------------

  @Override
  public List<String> prepareDestination(PrepareRequest request) {
    String here = hostLabel();
    return activity(
        "pre_live_migration of " + request.instanceId(),
        () -> connection.call(c -> DestinationDisks.prepare(c, request, here)));
  }

  @Override
  public void removeDisks(List<String> paths) {
    activity(
        "remove disks",
        () ->
            connection.call(
                c -> {
                  DestinationDisks.remove(c, paths);
                  return null;
                }));
  }

  // ---- the job -------------------------------------------------------------------------------

  @Override
  public JobOutcome migrate(JobRequest request) {
    String uuid = Domains.requireUuid(request.instanceId());
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    MigrationDriver driver = drivers.forDomain(uuid);
    return activity(
        "live migration of " + uuid,
        () ->
            new LiveMigrationJob(driver, ctx, signaller, poll, System::currentTimeMillis, request)
                .run());
  }

  @Override
  public String forceComplete(String instanceId, boolean postCopyPermitted) {
    String uuid = Domains.requireUuid(instanceId);
    MigrationDriver driver = drivers.forDomain(uuid);
    return activity(
        "force-complete " + uuid,
        () -> {
          if (driver.activeJob().isEmpty()) {
            throw new FerryRejection(
                Reason.INVALID_STATE, "no migration job runs for " + uuid + " on " + hostLabel());
          }
          if (postCopyPermitted) {
            try {
              driver.startPostCopy();
              return "post-copy";
            } catch (Exception e) {
              log.warn("post-copy of {} refused ({}); suspending instead", uuid, e.getMessage());
            }
          }
          driver.suspend();
          LiveMigrationJob.uncap(driver, uuid);
          return "suspend";
        });
  }

  @Override
  public JobOutcome settleJob(String instanceId, boolean abort) {
    String uuid = Domains.requireUuid(instanceId);
    MigrationDriver driver = drivers.forDomain(uuid);
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    return activity(
        "settle the job of " + uuid,
        () -> {
          long start = System.currentTimeMillis();
          SourceState state = driver.sourceState();
          boolean aborted = false;
          if (abort && state != SourceState.PAUSED_POST_COPY && driver.activeJob().isPresent()) {
            driver.abortJob();
            aborted = true;
          }
          while (driver.activeJob().isPresent()) {
            try {
              ctx.heartbeat("waiting for the migration job of " + uuid + " to end");
            } catch (ActivityCompletionException e) {
              log.warn("settle of {}: heartbeat failed ({})", uuid, e.toString());
            }
            Thread.sleep(Math.max(1, poll.toMillis()));
          }
          state = driver.sourceState();
          Result result =
              switch (state) {
                case POST_COPY_FAILED, PAUSED_POST_COPY -> Result.POST_COPY_FAILED;
                case RUNNING, PAUSED -> aborted ? Result.ABORTED : Result.NO_JOB;
                default -> Result.NO_JOB;
              };
          boolean postCopy =
              state == SourceState.POST_COPY_FAILED || state == SourceState.PAUSED_POST_COPY;
          return new JobOutcome(
              result,
              state,
              aborted ? "aborted while settling" : null,
              System.currentTimeMillis() - start,
              postCopy,
              null,
              null);
        });
  }

  // ---- post_live_migration_at_destination ----------------------------------------------------

  @Override
  public FinishedAtDestination finishAtDestination(String instanceId, long epoch) {
    String uuid = Domains.requireUuid(instanceId);
    return activity(
        "finish " + uuid + " at the destination",
        () ->
            connection.call(
                c -> {
                  Domain d = Domains.require(c, uuid, hostLabel());
                  DomainChanges.setTag(c, d, new FerryTag(uuid, epoch));
                  DomainChanges.disableAutostart(d);
                  List<String> disks = new ArrayList<>();
                  for (GuestXml.Disk disk : GuestXml.parse(d.getXMLDesc(0)).disks()) {
                    disks.add(disk.path());
                  }
                  DestinationDisks.removeMarkers(c, disks);
                  Long total = null;
                  Long downtime = null;
                  try {
                    JobStats done =
                        LibvirtMigrationDriver.stats(
                            d.getJobStats(Domain.GetJobStatsFlags.COMPLETED));
                    if (done.type() != 0) {
                      total = done.timeElapsedMs();
                      downtime = done.downtimeMs();
                    }
                  } catch (LibvirtException e) {
                    log.info("no completed-job stats for {}: {}", uuid, e.getMessage());
                  }
                  return new FinishedAtDestination(Domains.view(d, true), total, downtime);
                }));
  }

  // ---- pieces --------------------------------------------------------------------------------

  private static long usableSpace(Path p) {
    for (Path q = p; q != null; q = q.getParent()) {
      if (Files.isDirectory(q)) {
        return q.toFile().getUsableSpace();
      }
    }
    return 0;
  }

  private String hostLabel() {
    return connection.uri().startsWith("qemu:///") ? "this host" : connection.uri();
  }

  private <T> T activity(String what, ActivityBoundary.Body<T> body) {
    return ActivityBoundary.run(what, connection.uri(), body);
  }
}
