package dev.ferry.live;

import dev.ferry.hypervisor.libvirt.DomainXml;
import dev.ferry.hypervisor.libvirt.FerryTag;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LibvirtHypervisorActivities;
import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Names;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.libvirt.CPUCompareResult;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LiveMigrationHostActivities} on this host's libvirt and file system. The agent runs in its
 * host's mount namespace, so a path it is given is the path its libvirtd sees; {@code localPath}
 * maps it (identity in production; a test from another namespace maps it to the host's directory).
 */
public class LiveHostActivitiesImpl implements LiveMigrationHostActivities {
  private static final Logger log = LoggerFactory.getLogger(LiveHostActivitiesImpl.class);

  /** How often the job polls libvirt and heartbeats. */
  static final Duration POLL = Duration.ofMillis(250);

  static final String PROBE_PREFIX = ".ferry-probe-";
  static final String MARKER_INFIX = ".ferry-move-";

  private final LibvirtConnection connection;
  private final LiveMigrationJob.Signaller signaller;
  private final MigrationDriver.Factory drivers;
  private final Function<String, Path> localPath;
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
    this.poll = poll;
  }

  // ---- checks --------------------------------------------------------------------------------

  @Override
  public SourceFacts inspectSource(String instanceId) {
    String uuid = requireUuid(instanceId);
    return activity(
        "inspect " + uuid,
        () ->
            connection.call(
                c -> {
                  Domain d = require(c, uuid);
                  if (d.isActive() != 1) {
                    throw new FerryRejection(
                        Reason.INVALID_STATE,
                        "instance "
                            + uuid
                            + " ("
                            + d.getName()
                            + ") is not running on this host: only a running or paused guest"
                            + " can be live-migrated");
                  }
                  String xml = d.getXMLDesc(0);
                  GuestXml guest = GuestXml.parse(xml);
                  long epoch = DomainXml.parse(xml).ferryTag().map(FerryTag::epoch).orElse(-1L);
                  List<DiskInfo> disks = new ArrayList<>();
                  for (GuestXml.Disk disk : guest.disks()) {
                    long size;
                    try {
                      size =
                          d.blockInfo(disk.target() != null ? disk.target() : disk.path())
                              .getCapacity();
                    } catch (LibvirtException e) {
                      size = 0;
                    }
                    disks.add(new DiskInfo(disk.target(), disk.path(), disk.format(), size));
                  }
                  boolean jobActive;
                  try {
                    jobActive = d.getJobInfo().getType() != 0;
                  } catch (LibvirtException e) {
                    jobActive = false; // a driver without job info (test:///) runs none
                  }
                  return new SourceFacts(
                      c.getType(),
                      c.getVersion(),
                      c.getLibVersion(),
                      d.getName(),
                      LibvirtHypervisorActivities.powerState(d.getInfo().state),
                      epoch,
                      guest.domainType(),
                      guest.arch(),
                      guest.machine(),
                      guest.emulator(),
                      guest.guestCpuXml(),
                      guest.networks(),
                      guest.bridges(),
                      disks,
                      d.getInfo().maxMem * 1024,
                      jobActive);
                }));
  }

  @Override
  public DestinationFacts checkDestination(DestinationCheck check) {
    String uuid = requireUuid(check.instanceId());
    SourceFacts source = check.source();
    String here = hostLabel();
    return activity(
        "check destination for " + uuid,
        () -> {
          String[] facts =
              connection.call(
                  c -> {
                    String type = c.getType();
                    long version = c.getVersion();
                    if (!type.equals(source.hypervisorType())) {
                      throw new FerryRejection(
                          Reason.HYPERVISOR_INCOMPATIBLE,
                          here + " runs " + type + ", the source runs " + source.hypervisorType());
                    }
                    if (version < source.hypervisorVersion()) {
                      throw new FerryRejection(
                          Reason.HYPERVISOR_INCOMPATIBLE,
                          here
                              + "'s hypervisor version "
                              + version
                              + " is older than the source's "
                              + source.hypervisorVersion());
                    }
                    Domain existing = find(c, uuid);
                    if (existing != null && existing.isActive() == 1) {
                      throw new FerryRejection(
                          Reason.INVALID_STATE, "instance " + uuid + " already runs on " + here);
                    }
                    String cpu = compareCpu(c, source, here);
                    for (String network : source.networks()) {
                      requireNetwork(c, network, here);
                    }
                    for (String bridge : source.bridges()) {
                      if (!bridgeExists(c, bridge)) {
                        throw new FerryRejection(
                            Reason.INVALID_STATE,
                            "bridge " + bridge + " used by the guest does not exist on " + here);
                      }
                    }
                    return new String[] {type, Long.toString(version), cpu};
                  });
          List<String> probes = new ArrayList<>();
          Map<String, Long> free = new LinkedHashMap<>();
          for (String dir : check.probeDirs()) {
            Path local = localPath.apply(dir);
            free.put(dir, usableSpace(local));
            if (Files.isDirectory(local)) {
              String name = PROBE_PREFIX + check.moveId();
              Files.writeString(
                  local.resolve(name),
                  "written by " + here + " for " + check.moveId() + "\n",
                  StandardCharsets.UTF_8);
              probes.add(dir + "/" + name);
            }
          }
          return new DestinationFacts(facts[0], Long.parseLong(facts[1]), facts[2], probes, free);
        });
  }

  @Override
  public List<String> probesSeen(List<String> probePaths) {
    return activity(
        "look for probes",
        () -> probePaths.stream().filter(p -> Files.exists(localPath.apply(p))).toList());
  }

  @Override
  public void removeProbes(List<String> probePaths) {
    activity(
        "remove probes",
        () -> {
          for (String p : probePaths) {
            Path local = localPath.apply(p);
            if (local.getFileName() != null
                && local.getFileName().toString().startsWith(PROBE_PREFIX)) {
              Files.deleteIfExists(local);
            }
          }
          return null;
        });
  }

  // ---- pre_live_migration ----------------------------------------------------------------------

  @Override
  public List<String> prepareDestination(PrepareRequest request) {
    String here = hostLabel();
    return activity(
        "pre_live_migration of " + request.instanceId(),
        () -> {
          List<String> created = new ArrayList<>();
          for (DiskInfo disk : request.disks()) {
            Path local = localPath.apply(disk.path());
            if (!request.blockMigration()) {
              if (!Files.exists(local)) {
                throw new FerryRejection(
                    Reason.INVALID_STATE,
                    "disk "
                        + disk.path()
                        + " is not visible on "
                        + here
                        + ": shared storage was expected");
              }
              continue;
            }
            Path marker = marker(local, request.moveId());
            if (Files.exists(local)) {
              if (!Files.exists(marker)) {
                throw new FerryRejection(
                    Reason.INVALID_STATE,
                    "a file already exists at "
                        + disk.path()
                        + " on "
                        + here
                        + ": refusing to overwrite it");
              }
              created.add(disk.path()); // an earlier attempt of this move created it
              continue;
            }
            Files.createDirectories(local.getParent());
            Files.writeString(marker, request.moveId() + "\n", StandardCharsets.UTF_8);
            createImage(local, disk);
            created.add(disk.path());
          }
          return created;
        });
  }

  private static void createImage(Path local, DiskInfo disk)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "qemu-img",
                "create",
                "-q",
                "-f",
                disk.format() == null ? "qcow2" : disk.format(),
                local.toString(),
                Long.toString(Math.max(disk.virtualSizeBytes(), 1024 * 1024)))
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("qemu-img create " + local + " did not finish in 2 minutes");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.exitValue() != 0) {
      throw new IOException("qemu-img create " + local + " failed: " + out);
    }
  }

  @Override
  public void removeDisks(List<String> paths) {
    activity(
        "remove disks",
        () -> {
          for (String p : paths) {
            if (p == null || !p.startsWith("/")) {
              throw new FerryRejection(Reason.INVALID_ARGUMENT, "not an absolute path: " + p);
            }
            Path local = localPath.apply(p);
            if (Files.isDirectory(local)) {
              throw new FerryRejection(Reason.INVALID_ARGUMENT, p + " is a directory");
            }
            Files.deleteIfExists(local);
            Path dir = local.getParent();
            if (dir != null && Files.isDirectory(dir)) {
              try (DirectoryStream<Path> markers =
                  Files.newDirectoryStream(dir, local.getFileName() + MARKER_INFIX + "*")) {
                for (Path m : markers) {
                  Files.deleteIfExists(m);
                }
              }
            }
          }
          return null;
        });
  }

  // ---- the job -------------------------------------------------------------------------------

  @Override
  public JobOutcome migrate(JobRequest request) {
    String uuid = requireUuid(request.instanceId());
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
    String uuid = requireUuid(instanceId);
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
    String uuid = requireUuid(instanceId);
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
    String uuid = requireUuid(instanceId);
    return activity(
        "finish " + uuid + " at the destination",
        () ->
            connection.call(
                c -> {
                  Domain d = require(c, uuid);
                  boolean persistent = d.isPersistent() == 1;
                  int flags =
                      (persistent ? Domain.ModificationImpact.CONFIG : 0)
                          | (d.isActive() == 1 ? Domain.ModificationImpact.LIVE : 0);
                  FerryTag tag = new FerryTag(uuid, epoch);
                  if (flags != 0) {
                    d.setMetadata(
                        Domain.MetadataType.ELEMENT,
                        tag.toMetadataFragment(),
                        FerryTag.PREFIX,
                        FerryTag.NAMESPACE,
                        flags);
                  }
                  if (persistent && d.getAutostart()) {
                    d.setAutostart(false);
                  }
                  removeMoveMarkers(GuestXml.parse(d.getXMLDesc(0)));
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
                  return new FinishedAtDestination(view(d), total, downtime);
                }));
  }

  // ---- pieces --------------------------------------------------------------------------------

  /**
   * The markers prepareDestination leaves beside the disks it created only serve its retries: once
   * the guest runs here, the disks are its own and the markers go.
   */
  private void removeMoveMarkers(GuestXml guest) {
    for (GuestXml.Disk disk : guest.disks()) {
      if (disk.path() == null || !disk.path().startsWith("/")) {
        continue;
      }
      Path local = localPath.apply(disk.path());
      Path dir = local.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> markers =
          Files.newDirectoryStream(dir, local.getFileName() + MARKER_INFIX + "*")) {
        for (Path m : markers) {
          Files.deleteIfExists(m);
        }
      } catch (IOException e) {
        log.warn("could not remove move markers beside {}: {}", local, e.toString());
      }
    }
  }

  /** libvirt's comparison of the guest's CPU on this host (hypervisor-aware when available). */
  private static String compareCpu(Connect c, SourceFacts s, String here) throws LibvirtException {
    String xml = s.guestCpuXml();
    if (xml == null) {
      return "not compared (the guest names no CPU model)";
    }
    int rc;
    try {
      rc =
          LibvirtNative.compareHypervisorCpu(
              c, s.emulator(), s.arch(), s.machine(), s.domainType(), xml);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      rc = -1;
    }
    if (rc < 0) {
      try {
        CPUCompareResult host = c.compareCPU(xml);
        rc =
            switch (host) {
              case VIR_CPU_COMPARE_INCOMPATIBLE -> 0;
              case VIR_CPU_COMPARE_IDENTICAL -> 1;
              case VIR_CPU_COMPARE_SUPERSET -> 2;
              default -> -1;
            };
      } catch (LibvirtException e) {
        return "not compared (" + e.getMessage() + ")";
      }
    }
    return switch (rc) {
      case 0 ->
          throw new FerryRejection(
              Reason.HYPERVISOR_INCOMPATIBLE,
              here + " cannot run the guest's CPU: libvirt says incompatible (" + xml + ")");
      case 1 -> "identical";
      case 2 -> "superset";
      default -> "not compared";
    };
  }

  private static void requireNetwork(Connect c, String name, String here) throws LibvirtException {
    Network net;
    try {
      net = c.networkLookupByName(name);
    } catch (LibvirtException e) {
      if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_NETWORK) {
        throw new FerryRejection(
            Reason.INVALID_STATE,
            "network " + name + " used by the guest does not exist on " + here);
      }
      throw e;
    }
    if (net.isActive() != 1) {
      throw new FerryRejection(
          Reason.INVALID_STATE, "network " + name + " used by the guest is not active on " + here);
    }
  }

  private boolean bridgeExists(Connect c, String bridge) {
    try {
      c.interfaceLookupByName(bridge);
      return true;
    } catch (LibvirtException e) {
      // not known to the interface driver: a libvirt network's bridge, or a plain kernel bridge
    }
    try {
      for (String name : c.listNetworks()) {
        if (bridge.equals(c.networkLookupByName(name).getBridgeName())) {
          return true;
        }
      }
    } catch (LibvirtException e) {
      log.debug("cannot list networks: {}", e.getMessage());
    }
    return Files.exists(localPath.apply("/sys/class/net/" + bridge));
  }

  private static long usableSpace(Path p) {
    for (Path q = p; q != null; q = q.getParent()) {
      if (Files.isDirectory(q)) {
        return q.toFile().getUsableSpace();
      }
    }
    return 0;
  }

  private static Path marker(Path disk, String moveId) {
    return disk.resolveSibling(disk.getFileName() + MARKER_INFIX + moveId);
  }

  private static DomainView view(Domain d) throws LibvirtException {
    String xml;
    try {
      xml = d.getXMLDesc(Domain.XMLFlags.INACTIVE | Domain.XMLFlags.MIGRATABLE);
    } catch (LibvirtException e) {
      xml = d.getXMLDesc(Domain.XMLFlags.INACTIVE);
    }
    DomainXml parsed = DomainXml.parse(xml).stripHostSpecifics();
    Optional<FerryTag> tag = parsed.ferryTag();
    return new DomainView(
        true,
        d.getUUIDString(),
        d.getName(),
        LibvirtHypervisorActivities.powerState(d.getInfo().state),
        parsed.vcpus(),
        parsed.memoryMb(),
        tag.map(FerryTag::instanceId).orElse(null),
        tag.map(FerryTag::epoch).orElse(-1L),
        parsed.toXml());
  }

  private static Domain find(Connect c, String uuid) throws LibvirtException {
    try {
      return c.domainLookupByUUIDString(uuid);
    } catch (LibvirtException e) {
      if (LibvirtMigrationDriver.gone(e)) {
        return null;
      }
      throw e;
    }
  }

  private Domain require(Connect c, String uuid) throws LibvirtException {
    Domain d = find(c, uuid);
    if (d == null) {
      throw new FerryRejection(
          Reason.UNKNOWN_INSTANCE, "no domain with uuid " + uuid + " on " + hostLabel());
    }
    return d;
  }

  private String hostLabel() {
    return connection.uri().startsWith("qemu:///") ? "this host" : connection.uri();
  }

  private static String requireUuid(String instanceId) {
    if (!Names.isUuid(instanceId)) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT, "instance id '" + instanceId + "' is not a UUID")
          .toFailure();
    }
    return instanceId.toLowerCase(Locale.ROOT);
  }

  /** The activity boundary: rejections and libvirt errors become the right failures. */
  private <T> T activity(String what, Body<T> body) {
    try {
      return body.run();
    } catch (FerryRejection e) {
      throw e.toFailure();
    } catch (ApplicationFailure | ActivityCompletionException e) {
      throw e;
    } catch (LibvirtException e) {
      if (LibvirtMigrationDriver.gone(e)) {
        throw ApplicationFailure.newNonRetryableFailureWithCause(
            what + " failed on " + connection.uri() + ": " + e.getMessage(),
            FerryRejection.TYPE_PREFIX + Reason.UNKNOWN_INSTANCE,
            e);
      }
      throw ApplicationFailure.newFailureWithCause(
          what + " failed on " + connection.uri() + ": " + e.getMessage(), "LibvirtError", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    } catch (Exception e) {
      throw ApplicationFailure.newFailureWithCause(
          what + " failed: " + e.getMessage(), e.getClass().getSimpleName(), e);
    }
  }

  @FunctionalInterface
  private interface Body<T> {
    T run() throws Exception;
  }
}
