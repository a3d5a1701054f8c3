package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.ABORTED;
import static dev.ferry.live.LiveMigrationEvent.BROKEN;
import static dev.ferry.live.LiveMigrationEvent.JOB_STARTED;
import static dev.ferry.live.LiveMigrationEvent.POST_COPY_STARTED;
import static dev.ferry.live.LiveMigrationEvent.POST_DONE;
import static dev.ferry.live.LiveMigrationEvent.REJECTED;
import static dev.ferry.live.LiveMigrationEvent.ROLLED_BACK;
import static dev.ferry.live.LiveMigrationEvent.SLOT_GRANTED;
import static dev.ferry.live.LiveMigrationEvent.SWITCHED_OVER;

import dev.ferry.entities.ConductorStubs;
import dev.ferry.entities.Entities;
import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.hypervisor.HypervisorStubs;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveSearchAttributes;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A live migration, Nova's way ({@code conductor.tasks.live_migrate} + {@code
 * compute.manager._do_live_migration}), moving only through {@link LiveMigrationStateTable#TABLE}:
 *
 * <ol>
 *   <li>QUEUED: pre-checks (typed refusals: instance, source, destination, hypervisor, CPU,
 *       networks, storage), a placement claim {@code move:<id>} (next candidate when one fails its
 *       checks), then an outbound slot on the source's HostWorkflow. Nothing is touched on a host.
 *   <li>PREPARING: pre_live_migration on the destination.
 *   <li>RUNNING / RUNNING_POST_COPY: the libvirt job, one heartbeating activity on the source.
 *       Abort cancels it; force-complete runs a short second activity; post-copy is the point of no
 *       return.
 *   <li>POST_MIGRATING: post steps on both hosts, the claim swapped to the instance, the epoch
 *       bumped.
 * </ol>
 *
 * Failure: both hosts are looked at first; the destination is rolled back and the source restored
 * only when the guest is seen alive on the source; work a dead host owes goes on its cleanup list.
 * Every path ends in a final status and tells the instance.
 */
public class LiveMigrationWorkflowImpl implements LiveMigrationWorkflow {

  private static final String SYSTEM = "ferry";

  /** Change id (forever): see {@link #keepsSourcePausedAfterPostCopy()}. */
  static final String POST_COPY_KEEPS_SOURCE_PAUSED = "live-post-copy-keeps-source-paused";

  private static final Logger log = Workflow.getLogger(LiveMigrationWorkflowImpl.class);

  /**
   * Timing of the calls to the hosts. The job's heartbeat timeout sets both progress freshness and
   * abort latency (the SDK sends heartbeats at most every 0.8 x it).
   */
  public record Tuning(
      Duration hostScheduleToStart, Duration jobHeartbeatTimeout, int jobMaxAttempts) {
    public static final Tuning PRODUCTION =
        new Tuning(HypervisorStubs.SCHEDULE_TO_START, Duration.ofSeconds(5), 5);
  }

  /** The operator's abort won: stop, put everything back, end in CANCELLED. */
  private static final class AbortedException extends RuntimeException {
    AbortedException() {
      super("aborted");
    }
  }

  private final Tuning tuning;
  private final PlacementActivities placement = ConductorStubs.placement();
  private final ClusterDefaults clusterDefaults = new ClusterDefaults(placement);
  private final HostRecordActivities hostRecords = ConductorStubs.hostRecords();
  private final LiveHostCalls hosts;
  private final StateMachine<LiveMigrationStatus, LiveMigrationEvent> machine =
      new StateMachine<>(LiveMigrationStateTable.TABLE, Workflow::currentTimeMillis);

  private final Map<String, String> xmlSeen = new HashMap<>();
  private final Map<String, PowerState> powerSeen = new HashMap<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> candidatesRefused = new ArrayList<>();

  private MoveRequest request;
  private InstanceRecord record;
  private InstanceWorkflow instance;
  private LiveMigrationOptions options = LiveMigrationOptions.NONE;
  private String source;
  private String dest;
  private String destUri;
  private long newEpoch;
  private boolean wasRunning;
  private SourceFacts facts;
  private Boolean sharedStorage;
  private Boolean blockMigration;
  private FerryRejection rejection;

  private boolean checksPassed;
  private boolean claimHeld;
  private boolean slotAsked;
  private boolean slotGranted;
  private boolean queued;
  private boolean destDisksMayExist;
  private String abortRequestedBy;
  private String forcedBy;
  private boolean postCopy;
  private boolean jobScheduled;
  private CancellationScope jobScope;
  private Promise<JobOutcome> jobPromise;
  private Long totalTimeMs;
  private Long downtimeMs;

  /** Where the record points: the destination (with the new epoch) once the guest runs there. */
  private boolean atDest;

  private boolean instanceInError;

  public LiveMigrationWorkflowImpl() {
    this(Tuning.PRODUCTION);
  }

  public LiveMigrationWorkflowImpl(Tuning tuning) {
    this.tuning = tuning;
    this.hosts = new LiveHostCalls(hostRecords, tuning.hostScheduleToStart());
  }

  // ---- the run -------------------------------------------------------------------------------

  @Override
  public MoveView run(MoveInput input) {
    begin(input);
    // Cancelling the whole workflow is an abort (it bypasses the validator: post-copy ignores it).
    // The work runs in a detached scope, so a cancel reaches it only through this watcher.
    Async.procedure(this::watchForWorkflowCancel);
    Workflow.newDetachedCancellationScope(
            () -> {
              migrate();
              tellInstance(i -> i.moveClosed(outcome()));
              Workflow.await(Workflow::isEveryHandlerFinished);
            })
        .run();
    return status();
  }

  private void watchForWorkflowCancel() {
    try {
      Workflow.await(machine::isFinal);
    } catch (CanceledFailure e) {
      requestAbort("workflow cancel");
    }
  }

  private void begin(MoveInput input) {
    request = input.request();
    record = input.instance();
    instance =
        Workflow.newExternalWorkflowStub(
            InstanceWorkflow.class, Names.instanceWorkflowId(record.id));
    source = record.host;
    newEpoch = record.epoch + 1;
    wasRunning = record.vmState != VmState.PAUSED;
    xmlSeen.put(source, record.domainXml);
    powerSeen.put(source, record.powerState);
    LiveMigrationOptions requested =
        request.liveOptions() == null ? LiveMigrationOptions.NONE : request.liveOptions();
    // The cluster's defaults go into history once: a reconfigured conductor never changes a move.
    options = clusterDefaults.begin(requested);
    announce();
  }

  private void migrate() {
    try {
      precheck();
      checksPassed = true;
      announce();
      awaitSlot();
      fire(SLOT_GRANTED, SYSTEM);
      prepareDestination();
      if (abortRequested()) {
        throw new AbortedException();
      }
      JobOutcome outcome = runJob();
      resolve(outcome);
    } catch (FerryRejection r) {
      noteError(r.getMessage());
      if (machine.state() == LiveMigrationStatus.QUEUED) {
        rejection = r;
        releaseEverything();
        fire(REJECTED, SYSTEM);
      } else {
        rollBack(null, false);
      }
    } catch (AbortedException e) {
      rollBack(null, true);
    } catch (HostGoneException e) {
      noteError(e.getMessage());
      rollBackAfterDeadHost(e.host());
    } catch (LiveStepException e) {
      noteError(e.getMessage());
      rollBack(null, false);
    }
  }

  // ---- QUEUED: pre-checks and the claim ------------------------------------------------------

  /** A host that stops answering during the checks is a refusal: nothing was touched yet. */
  private void precheck() {
    try {
      checkAll();
    } catch (HostGoneException e) {
      throw reject(Reason.HOST_UNAVAILABLE, e.getMessage());
    }
  }

  private void checkAll() {
    options = clusterDefaults.resolve(options);
    String invalid = options.invalidReason();
    if (invalid != null) {
      throw reject(Reason.INVALID_ARGUMENT, invalid);
    }
    if (record.vmState != VmState.ACTIVE && record.vmState != VmState.PAUSED) {
      throw reject(
          Reason.INVALID_STATE,
          "instance "
              + record.name
              + " is "
              + record.vmState
              + ": only an ACTIVE or PAUSED instance can be live-migrated");
    }
    if (record.flavor == null) {
      throw reject(Reason.INVALID_STATE, "instance " + record.name + " has no flavor on record");
    }
    HostRecord src = hostRecord(source, "source");
    if (!src.isAlive()) {
      throw reject(
          Reason.HOST_UNAVAILABLE,
          "source host "
              + source
              + " of "
              + record.name
              + " is down"
              + (src.forcedDown ? " (forced down)" : "")
              + ": live migration needs its agent; evacuate the instance instead");
    }
    String wanted = request.destHost();
    if (wanted != null) {
      if (wanted.equals(source)) {
        throw reject(
            Reason.SAME_HOST,
            record.name + " is already on " + source + ": pick another destination host");
      }
      HostRecord d = hostRecord(wanted, "destination");
      refuseUnusable(d);
    }
    facts = hosts.live(source, "inspect the guest", a -> a.inspectSource(record.id));
    if (facts.jobActive()) {
      throw reject(
          Reason.INSTANCE_BUSY,
          "a libvirt job already runs on " + record.name + " on " + source + ": wait for it");
    }
    chooseDestination(src);
  }

  /** Claims a destination and checks it; without a named host, the next candidate on refusal. */
  private void chooseDestination(HostRecord src) {
    List<String> excluded = new ArrayList<>(List.of(source));
    int maxRetries = options.maxRetries();
    for (int attempt = 0; ; attempt++) {
      if (abortRequested()) {
        throw new AbortedException();
      }
      String candidate = claim(excluded);
      try {
        try {
          checkCandidate(src, candidate);
        } catch (HostGoneException e) {
          if (e.host().equals(source)) {
            throw e;
          }
          throw reject(Reason.HOST_UNAVAILABLE, e.getMessage());
        }
        dest = candidate;
        return;
      } catch (FerryRejection r) {
        releaseClaim();
        if (request.destHost() != null) {
          throw r;
        }
        candidatesRefused.add(candidate + ": " + r.getMessage());
        excluded.add(candidate);
        announce();
        if (attempt >= maxRetries) {
          throw reject(
              Reason.NO_VALID_HOST,
              "no valid host found for "
                  + record.name
                  + " after "
                  + (attempt + 1)
                  + " candidate(s) (max retries "
                  + maxRetries
                  + "): "
                  + String.join("; ", candidatesRefused));
        }
      }
    }
  }

  private String claim(List<String> excluded) {
    ClaimRequest claimRequest =
        new ClaimRequest(
            moveConsumer(), record.flavor.resources(), request.destHost(), List.copyOf(excluded));
    claimHeld = true; // compensation first: releasing a claim that was never made is a no-op
    try {
      Claim claim = placement.claim(claimRequest);
      return claim.host();
    } catch (ActivityFailure f) {
      claimHeld = false;
      FerryRejection r = FerryRejection.from(f).orElse(null);
      if (r == null) {
        throw new LiveStepException("claim for " + moveConsumer() + " failed: " + message(f));
      }
      if (request.destHost() != null || candidatesRefused.isEmpty()) {
        throw r;
      }
      throw reject(
          Reason.NO_VALID_HOST,
          r.getMessage() + "; candidates refused: " + String.join("; ", candidatesRefused));
    }
  }

  /** Nova's checks of one candidate, on the conductor and on both hosts. */
  private void checkCandidate(HostRecord src, String candidate) {
    HostRecord d = hostRecord(candidate, "destination");
    refuseUnusable(d);
    if (src.hypervisorType != null
        && d.hypervisorType != null
        && !src.hypervisorType.equals(d.hypervisorType)) {
      throw reject(
          Reason.HYPERVISOR_INCOMPATIBLE,
          "destination "
              + candidate
              + " runs "
              + d.hypervisorType
              + ", the source "
              + source
              + " runs "
              + src.hypervisorType);
    }
    if (d.hypervisorVersion > 0 && d.hypervisorVersion < src.hypervisorVersion) {
      throw reject(
          Reason.HYPERVISOR_INCOMPATIBLE,
          "destination "
              + candidate
              + "'s hypervisor version "
              + d.hypervisorVersion
              + " is older than the source's "
              + src.hypervisorVersion);
    }
    List<String> dirs = diskDirs();
    DestinationFacts df =
        hosts.live(
            candidate,
            "check the destination",
            a -> a.checkDestination(new DestinationCheck(moveId(), record.id, facts, dirs)));
    List<String> seen;
    try {
      seen =
          df.probePaths().isEmpty()
              ? List.of()
              : hosts.live(source, "look for the probe files", a -> a.probesSeen(df.probePaths()));
    } finally {
      removeProbesQuietly(candidate, df.probePaths());
    }
    decideStorage(candidate, dirs, df, seen);
    destUri =
        d.migrationUri != null && !d.migrationUri.isBlank()
            ? d.migrationUri
            : "qemu+tcp://" + candidate + "/system";
  }

  private void refuseUnusable(HostRecord d) {
    if (!d.isAlive()) {
      throw reject(
          Reason.HOST_UNAVAILABLE,
          "destination host "
              + d.name
              + " is down"
              + (d.forcedDown ? " (forced down)" : "")
              + ": pick another host");
    }
    if (!d.enabled) {
      throw reject(
          Reason.HOST_UNAVAILABLE,
          "destination host "
              + d.name
              + " is disabled"
              + (d.disabledReason != null ? " (" + d.disabledReason + ")" : "")
              + ": pick another host");
    }
  }

  /** Shared storage as the probe found it, and block migration by Nova's rules. */
  private void decideStorage(
      String candidate, List<String> dirs, DestinationFacts df, List<String> seen) {
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
          record.name
              + " has disks both on storage shared with "
              + candidate
              + " and on local storage: not supported");
    }
    boolean shared = !hasDisks || sharedDirs == dirs.size();
    BlockMigration wanted = options.blockMigration();
    if (wanted == BlockMigration.TRUE && hasDisks && shared) {
      throw reject(
          Reason.INVALID_ARGUMENT,
          "cannot block-migrate "
              + record.name
              + ": its disks are on storage shared with "
              + candidate
              + " (use --block-migrate false or auto)");
    }
    if (wanted == BlockMigration.FALSE && !shared) {
      throw reject(
          Reason.INVALID_ARGUMENT,
          record.name
              + "'s disks are not on storage shared with "
              + candidate
              + ": live migration needs --block-migrate true (or auto)");
    }
    boolean block = hasDisks && !shared;
    if (block) {
      Map<String, Long> needed = new LinkedHashMap<>();
      for (DiskInfo disk : facts.disks()) {
        needed.merge(parent(disk.path()), disk.virtualSizeBytes(), Long::sum);
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
    sharedStorage = shared;
    blockMigration = block;
  }

  private HostRecord hostRecord(String host, String role) {
    try {
      return hostRecords.get(host);
    } catch (ActivityFailure f) {
      FerryRejection r = FerryRejection.from(f).orElse(null);
      if (r != null && r.reason() == Reason.UNKNOWN_HOST) {
        throw reject(Reason.UNKNOWN_HOST, "unknown " + role + " host '" + host + "'");
      }
      throw new LiveStepException("read host " + host + " failed: " + message(f));
    }
  }

  // ---- QUEUED: the source's outbound slot ----------------------------------------------------

  private void awaitSlot() {
    slotAsked = true; // compensation first: releaseSlot frees a held slot or a queue place
    boolean granted =
        conductor(
            "ask " + source + " for an outbound slot",
            () -> hostRecords.acquireSlot(source, moveId()));
    if (!granted && !slotGranted) {
      queued = true;
      announce();
      boolean woke =
          Workflow.await(
              Duration.ofSeconds(options.queueTimeoutSeconds()),
              () -> slotGranted || abortRequested());
      if (abortRequested()) {
        throw new AbortedException();
      }
      if (!woke) {
        throw new LiveStepException(
            "no outbound live-migration slot on "
                + source
                + " within "
                + options.queueTimeoutSeconds()
                + " s");
      }
    }
    queued = false;
    slotGranted = true;
    if (abortRequested()) {
      throw new AbortedException();
    }
  }

  // ---- PREPARING -----------------------------------------------------------------------------

  private void prepareDestination() {
    if (Boolean.TRUE.equals(blockMigration)) {
      destDisksMayExist = true; // compensation first: rollback removes them (marker-guarded)
    }
    try {
      hosts.live(
          dest,
          "pre_live_migration",
          a ->
              a.prepareDestination(
                  new PrepareRequest(
                      moveId(), record.id, Boolean.TRUE.equals(blockMigration), facts.disks())));
    } catch (FerryRejection r) {
      destDisksMayExist = false; // refused before creating anything (e.g. a file is in the way)
      throw new LiveStepException("pre_live_migration on " + dest + " refused: " + r.getMessage());
    }
  }

  // ---- RUNNING: the job ----------------------------------------------------------------------

  private JobOutcome runJob() {
    JobRequest jobRequest = jobRequest(false);
    LiveMigrationHostActivities job = jobStub(jobRequest.completionTimeoutSeconds());
    jobScheduled = true;
    jobScope =
        Workflow.newCancellationScope(() -> jobPromise = Async.function(job::migrate, jobRequest));
    jobScope.run();
    boolean cancelSent = false;
    while (true) {
      boolean sent = cancelSent;
      Workflow.await(() -> jobPromise.isCompleted() || (!sent && abortCanCancel()));
      if (jobPromise.isCompleted()) {
        break;
      }
      jobScope.cancel("abort requested by " + abortRequestedBy);
      cancelSent = true;
    }
    try {
      return jobPromise.get();
    } catch (ActivityFailure f) {
      if (!(abortRequested() && f.getCause() instanceof CanceledFailure)) {
        noteError("the job activity on " + source + " failed: " + message(f));
      }
      return settle(!postCopy);
    } catch (CanceledFailure f) {
      return settle(!postCopy);
    }
  }

  /** An abort cancels the job only before post-copy (the activity ignores it there too). */
  private boolean abortCanCancel() {
    return abortRequested() && !postCopy;
  }

  /** After the job activity failed: settle the job on the source and see where the guest is. */
  private JobOutcome settle(boolean abort) {
    try {
      return hosts.live(source, "settle the job", a -> a.settleJob(record.id, abort));
    } catch (FerryRejection | LiveStepException e) {
      noteError(e.getMessage());
      return new JobOutcome(
          Result.FAILED, SourceState.UNKNOWN, e.getMessage(), 0, postCopy, forcedBy, null);
    }
  }

  private JobRequest jobRequest(boolean resume) {
    return new JobRequest(
        moveId(),
        record.id,
        dest,
        destUri,
        Boolean.TRUE.equals(blockMigration),
        Boolean.TRUE.equals(sharedStorage) && !facts.disks().isEmpty(),
        options,
        completionTimeoutSeconds(),
        newEpoch,
        resume);
  }

  /** Nova: per-GiB timeout x (RAM + copied disks), each counted as at least 2 GiB. */
  private long completionTimeoutSeconds() {
    long perGiB = options.completionTimeoutSecondsPerGiB();
    if (perGiB <= 0) {
      return 0;
    }
    double gib = Math.max(2.0, record.flavor.memoryMb() / 1024.0);
    if (Boolean.TRUE.equals(blockMigration)) {
      for (DiskInfo disk : facts.disks()) {
        gib += Math.max(2.0, disk.virtualSizeBytes() / (1024.0 * 1024 * 1024));
      }
    }
    return (long) Math.ceil(perGiB * gib);
  }

  private LiveMigrationHostActivities jobStub(long completionTimeoutSeconds) {
    Duration budget =
        completionTimeoutSeconds > 0
            ? Duration.ofSeconds(completionTimeoutSeconds).multipliedBy(2).plusMinutes(10)
            : Duration.ofDays(1);
    return Workflow.newActivityStub(
        LiveMigrationHostActivities.class,
        ActivityOptions.newBuilder(hosts.base(source, budget))
            .setHeartbeatTimeout(tuning.jobHeartbeatTimeout())
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .setSummary("live migration job of " + record.name + " to " + dest)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofSeconds(10))
                    .setMaximumAttempts(tuning.jobMaxAttempts())
                    .setDoNotRetry(HypervisorStubs.rejectionTypes())
                    .build())
            .build());
  }

  // ---- after the job: look at both hosts, then go on or put back -----------------------------

  private void resolve(JobOutcome outcome) {
    noteForced(outcome);
    switch (outcome.result()) {
      case COMPLETED -> switchedOver();
      case POST_COPY_FAILED -> recoverPostCopy(outcome);
      default -> resolveBySource(outcome);
    }
  }

  private void resolveBySource(JobOutcome outcome) {
    boolean operatorAbort = outcome.result() == Result.ABORTED && abortRequested();
    if (outcome.message() != null && !operatorAbort) {
      noteError("live migration of " + record.name + " failed: " + outcome.message());
    }
    switch (outcome.source()) {
      case RUNNING -> rollBack(outcome.source(), abortRequested());
      case PAUSED -> {
        if (postCopy && keepsSourcePausedAfterPostCopy()) {
          recoverPostCopy(outcome); // paused past the point of no return: never resumed
        } else {
          rollBack(outcome.source(), abortRequested());
        }
      }
      case PAUSED_POST_COPY, POST_COPY_FAILED -> recoverPostCopy(outcome);
      case GONE, SHUT_OFF -> {
        DomainView there = lookAt(dest);
        if (there != null && there.exists() && there.powerState() != PowerState.SHUTDOWN) {
          switchedOver(); // the job finished after all (e.g. the abort lost the race)
        } else {
          instanceInError = true;
          noteError(
              record.name
                  + " is no longer on "
                  + source
                  + " and not running on "
                  + dest
                  + ": nothing was removed; look at both hosts");
          releaseEverything();
          fire(BROKEN, SYSTEM);
        }
      }
      default -> rollBackAfterDeadHost(source);
    }
  }

  /**
   * Post-copy failed: libvirt's post-copy resume while the source QEMU lives, else ERROR. The
   * source's copy is never restarted (its memory is split); when the source cannot be reached, it
   * owes that copy's removal before its agent serves again.
   */
  private void recoverPostCopy(JobOutcome outcome) {
    markPostCopy("failure");
    if (outcome.source() == SourceState.POST_COPY_FAILED
        || outcome.source() == SourceState.PAUSED_POST_COPY) {
      noteError("post-copy of " + record.name + " failed: " + outcome.message() + "; resuming it");
      try {
        JobRequest resume = jobRequest(true);
        LiveMigrationHostActivities job = jobStub(0);
        JobOutcome resumed = hosts.run(source, "resume post-copy", () -> job.migrate(resume));
        if (resumed.result() == Result.COMPLETED) {
          switchedOver();
          return;
        }
        noteError("post-copy resume failed: " + resumed.message());
      } catch (FerryRejection e) {
        noteError("post-copy resume failed: " + e.getMessage());
      } catch (LiveStepException e) {
        noteError("post-copy resume failed: " + e.getMessage());
        if (keepsSourcePausedAfterPostCopy() && sourceLost()) {
          // the source went away during the resume: it owes the removal of its paused copy
          owe(
              source,
              record.epoch,
              CleanupItem.Kind.REMOVE_STALE_DOMAIN,
              "post-copy lost the source");
        }
      }
    } else if (outcome.source() == SourceState.UNKNOWN || hosts.isUnreachable(source)) {
      owe(source, record.epoch, CleanupItem.Kind.REMOVE_STALE_DOMAIN, "post-copy lost the source");
    }
    // The guest's memory is split and one half is gone: it cannot run on the source again.
    atDest = true;
    instanceInError = true;
    noteError(
        record.name
            + " is in ERROR on "
            + dest
            + ": post-copy could not finish; it is never restarted on "
            + source);
    settleClaimQuietly();
    releaseSlotQuietly();
    fire(BROKEN, SYSTEM);
  }

  /** The source's calls failed for good, or its record says it is not alive. */
  private boolean sourceLost() {
    return hosts.isUnreachable(source) || !hosts.isAlive(source);
  }

  /**
   * Since {@value #POST_COPY_KEEPS_SOURCE_PAUSED}: past the point of no return a paused source is
   * never resumed, and a source lost during the post-copy resume owes its copy's removal. Runs
   * started before take the old branch (call only once post-copy is known: the marker goes where
   * the paths part).
   */
  private static boolean keepsSourcePausedAfterPostCopy() {
    return Workflow.getVersion(POST_COPY_KEEPS_SOURCE_PAUSED, Workflow.DEFAULT_VERSION, 1)
        != Workflow.DEFAULT_VERSION;
  }

  /** POST_MIGRATING: the guest runs on the destination. */
  private void switchedOver() {
    if (machine.state() == LiveMigrationStatus.PREPARING) {
      fire(JOB_STARTED, SYSTEM); // the job's signal was lost; the job evidently ran
    }
    if (abortRequested()) {
      noteError("abort requested by " + abortRequestedBy + " came too late: switched over");
    }
    fire(SWITCHED_OVER, SYSTEM);
    atDest = true;
    boolean complete = true;
    try {
      FinishedAtDestination fin =
          hosts.live(
              dest,
              "post_live_migration_at_destination",
              a -> a.finishAtDestination(record.id, newEpoch));
      observe(dest, fin.view());
      totalTimeMs = fin.totalTimeMs();
      downtimeMs = fin.downtimeMs();
    } catch (FerryRejection | LiveStepException e) {
      noteError(e.getMessage());
      complete = false;
    }
    complete &= cleanUpSource();
    complete &= settleClaimQuietly();
    releaseSlotQuietly();
    fire(complete ? POST_DONE : BROKEN, SYSTEM);
  }

  /** post_live_migration at the source: the old definition (epoch-guarded) and copied disks. */
  private boolean cleanUpSource() {
    boolean block = Boolean.TRUE.equals(blockMigration);
    try {
      hosts.hypervisor(source, "remove the old copy", h -> h.remove(record.id, record.epoch));
      if (block) {
        List<String> paths = diskPaths();
        hosts.liveDo(source, "remove the copied disks", a -> a.removeDisks(paths));
      }
      return true;
    } catch (HostGoneException e) {
      noteError(e.getMessage());
      owe(
          source,
          record.epoch,
          block ? CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK : CleanupItem.Kind.REMOVE_STALE_DOMAIN,
          "stale copy after live migration " + moveConsumer() + " to " + dest);
      return false;
    } catch (FerryRejection | LiveStepException e) {
      noteError(e.getMessage());
      return false;
    }
  }

  /**
   * The guest is on the source (seen there, or never left): roll back the destination, restore the
   * source, release what the move held.
   *
   * @param seen the source's state after the job, or null when no job ran
   */
  private void rollBack(SourceState seen, boolean aborted) {
    boolean clean = rollBackDestination();
    if (seen == SourceState.PAUSED && wasRunning) {
      clean &= resumeAtSource();
    }
    clean &= releaseEverything();
    fire(clean ? (aborted ? ABORTED : ROLLED_BACK) : BROKEN, aborted ? abortActor() : SYSTEM);
  }

  /** Nova's rollback_live_migration_at_destination: a copy there is not the live one. */
  private boolean rollBackDestination() {
    if (dest == null || !slotGranted) {
      return true; // nothing was touched there
    }
    boolean block = Boolean.TRUE.equals(blockMigration);
    try {
      if (jobScheduled) {
        hosts.hypervisor(dest, "remove the incoming copy", h -> h.remove(record.id, newEpoch));
      }
      if (destDisksMayExist) {
        List<String> paths = diskPaths();
        hosts.liveDo(dest, "remove the created disks", a -> a.removeDisks(paths));
      }
      return true;
    } catch (HostGoneException e) {
      noteError(e.getMessage());
      owe(
          dest,
          newEpoch,
          block ? CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK : CleanupItem.Kind.REMOVE_STALE_DOMAIN,
          "left by failed live migration " + moveConsumer());
      return false;
    } catch (FerryRejection | LiveStepException e) {
      noteError(e.getMessage());
      return false;
    }
  }

  private boolean resumeAtSource() {
    try {
      observe(source, hosts.hypervisor(source, "resume the guest", h -> h.powerOn(record.id)));
      return true;
    } catch (FerryRejection | LiveStepException e) {
      noteError(e.getMessage());
      instanceInError = true;
      return false;
    }
  }

  /**
   * A host stopped answering. If the source is gone before switch-over, the guest (if alive) is
   * there: the destination's copy is not the live one. If the destination runs the guest, it is.
   */
  private void rollBackAfterDeadHost(String deadHost) {
    if (postCopy && deadHost.equals(source)) {
      recoverPostCopy(
          new JobOutcome(
              Result.POST_COPY_FAILED,
              SourceState.UNKNOWN,
              "source " + source + " unreachable during post-copy",
              0,
              true,
              forcedBy,
              null));
      return;
    }
    if (deadHost.equals(source) && dest != null && jobScheduled) {
      DomainView there = lookAt(dest);
      if (there != null && there.exists() && there.powerState() == PowerState.RUNNING) {
        switchedOver(); // the guest runs at the destination; the source owes its stale copy
        return;
      }
    }
    if (deadHost.equals(source)) {
      instanceInError = true; // the guest's fate is its host's: evacuation decides
    }
    rollBackDestination();
    releaseEverything();
    fire(BROKEN, SYSTEM);
  }

  // ---- abort and force-complete ---------------------------------------------------------------

  @Override
  public void validateAbort(String actor) {
    FerryRejection r = abortRefusal();
    if (r != null) {
      throw Entities.rejectUpdate(r);
    }
  }

  private FerryRejection abortRefusal() {
    LiveMigrationStatus s = machine.state();
    if (machine.isFinal()) {
      return new FerryRejection(
          Reason.NOTHING_PENDING, moveConsumer() + " has already ended (" + s.novaName() + ")");
    }
    if (s == LiveMigrationStatus.RUNNING_POST_COPY || postCopy) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          moveConsumer()
              + " is in post-copy: the guest already runs on "
              + dest
              + " and the migration can no longer be aborted");
    }
    if (s == LiveMigrationStatus.POST_MIGRATING) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          moveConsumer() + " has already switched over to " + dest + ": too late to abort");
    }
    return null;
  }

  @Override
  public LiveMigrationView abort(String actor) {
    FerryRejection r = abortRefusal();
    if (r != null) {
      throw r.toFailure(); // the state moved on between validation and handling
    }
    requestAbort(actor);
    Workflow.await(machine::isFinal);
    return live();
  }

  private void requestAbort(String actor) {
    if (abortRequestedBy == null && !postCopy && !machine.isFinal()) {
      abortRequestedBy = actor == null || actor.isBlank() ? "unknown" : actor;
    }
  }

  @Override
  public void validateForceComplete(String actor) {
    FerryRejection r = forceRefusal();
    if (r != null) {
      throw Entities.rejectUpdate(r);
    }
  }

  private FerryRejection forceRefusal() {
    LiveMigrationStatus s = machine.state();
    if (s == LiveMigrationStatus.RUNNING_POST_COPY) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          moveConsumer() + " is already in post-copy: it completes by itself");
    }
    if (s != LiveMigrationStatus.RUNNING) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          moveConsumer()
              + " is "
              + s.novaName()
              + ": only a running live migration can be forced to complete");
    }
    if (abortRequestedBy != null) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          moveConsumer() + " is being aborted (requested by " + abortRequestedBy + ")");
    }
    return null;
  }

  @Override
  public LiveMigrationView forceComplete(String actor) {
    FerryRejection r = forceRefusal();
    if (r != null) {
      throw r.toFailure();
    }
    String who = actor == null || actor.isBlank() ? "unknown" : actor;
    String how;
    try {
      how =
          hosts.live(
              source, "force-complete", a -> a.forceComplete(record.id, options.permitPostCopy()));
    } catch (FerryRejection e) {
      throw e.toFailure();
    } catch (LiveStepException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "LiveForceCompleteFailed");
    }
    forcedBy = how + " by " + who;
    if ("post-copy".equals(how)) {
      markPostCopy("force-complete by " + who);
    }
    announce();
    return live();
  }

  // ---- signals -------------------------------------------------------------------------------

  @Override
  public void slotGranted(String host) {
    if (source == null || source.equals(host)) {
      slotGranted = true;
    }
  }

  @Override
  public void jobStarted(JobProgress progress) {
    if (machine.state() == LiveMigrationStatus.PREPARING) {
      fire(JOB_STARTED, SYSTEM);
    }
  }

  @Override
  public void postCopyStarted(String how) {
    markPostCopy(how);
  }

  private void markPostCopy(String how) {
    postCopy = true;
    if (machine.state() == LiveMigrationStatus.PREPARING) {
      fire(JOB_STARTED, SYSTEM);
    }
    if (machine.state() == LiveMigrationStatus.RUNNING) {
      fire(POST_COPY_STARTED, how == null ? SYSTEM : how);
    }
  }

  private void noteForced(JobOutcome outcome) {
    if (outcome.forcedBy() != null && forcedBy == null) {
      forcedBy = outcome.forcedBy();
    }
    if (outcome.postCopy()) {
      markPostCopy(outcome.forcedBy());
    }
  }

  private boolean abortRequested() {
    return abortRequestedBy != null;
  }

  private String abortActor() {
    return abortRequestedBy == null ? SYSTEM : abortRequestedBy;
  }

  // ---- claims, slots, cleanup lists ----------------------------------------------------------

  /** Releases the claim (or hands it to the instance when the guest moved) and the slot. */
  private boolean releaseEverything() {
    boolean ok = settleClaimQuietly();
    releaseSlotQuietly();
    return ok;
  }

  private boolean settleClaimQuietly() {
    if (!claimHeld) {
      return true;
    }
    try {
      if (atDest) {
        conductorDo("swap the claim", () -> placement.swap(moveConsumer(), instanceConsumer()));
      } else {
        conductorDo("release the claim", () -> placement.release(moveConsumer()));
      }
      claimHeld = false;
      return true;
    } catch (LiveStepException e) {
      noteError(e.getMessage()); // placement's reconcile releases claims of closed moves
      return false;
    }
  }

  private void releaseClaim() {
    if (claimHeld) {
      conductorDo("release the claim", () -> placement.release(moveConsumer()));
      claimHeld = false;
    }
  }

  private void releaseSlotQuietly() {
    if (!slotAsked) {
      return;
    }
    try {
      conductorDo(
          "release the outbound slot on " + source,
          () -> hostRecords.releaseSlot(source, moveId()));
      slotAsked = false;
    } catch (LiveStepException e) {
      noteError(e.getMessage()); // the HostWorkflow reclaims slots of closed moves
    }
  }

  private void owe(String host, long epochAtMost, CleanupItem.Kind kind, String reason) {
    CleanupItem item =
        new CleanupItem(
            moveConsumer() + ":" + host,
            kind,
            record.id,
            epochAtMost,
            kind == CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK ? record.diskPath : null,
            reason);
    try {
      conductorDo("add cleanup on " + host, () -> hostRecords.addCleanup(host, item));
    } catch (LiveStepException e) {
      noteError(e.getMessage());
    }
  }

  private void removeProbesQuietly(String host, List<String> probes) {
    if (probes.isEmpty()) {
      return;
    }
    try {
      hosts.liveDo(host, "remove the probe files", a -> a.removeProbes(probes));
    } catch (FerryRejection | LiveStepException e) {
      log.warn("probe files left on {}: {}", host, e.getMessage());
    }
  }

  // ---- the outcome, transitions, visibility --------------------------------------------------

  private MoveOutcome outcome() {
    String host = currentHost();
    return new MoveOutcome(
        moveId(),
        machine.state().novaName(),
        machine.state() == LiveMigrationStatus.COMPLETED,
        host,
        record.flavor,
        atDest ? newEpoch : record.epoch,
        xmlSeen.get(host),
        settledVmState(),
        powerSeen.getOrDefault(host, wasRunning ? PowerState.RUNNING : PowerState.PAUSED),
        errors.isEmpty() ? null : String.join("; ", errors));
  }

  private VmState settledVmState() {
    if (instanceInError) {
      return VmState.ERROR;
    }
    return record.vmState;
  }

  private void fire(LiveMigrationEvent event, String actor) {
    machine.fire(event, actor);
    announce();
  }

  /** Every change: search attributes, UI details, and the instance's vm/task state. */
  private void announce() {
    upsertSearchAttributes();
    Workflow.setCurrentDetails(
        machine.state().novaName()
            + ": "
            + record.name
            + " "
            + source
            + (dest == null ? "" : " → " + dest)
            + (queued ? " (queued for a slot on " + source + ")" : "")
            + (postCopy ? " (post-copy)" : ""));
    VmState vm = machine.isFinal() ? settledVmState() : record.vmState;
    TaskState task = machine.isFinal() ? TaskState.NONE : TaskState.MIGRATING;
    MoveProgress progress =
        new MoveProgress(
            moveId(),
            machine.state().novaName(),
            vm,
            task,
            powerSeen.getOrDefault(currentHost(), record.powerState));
    tellInstance(i -> i.moveProgress(progress));
  }

  private void upsertSearchAttributes() {
    MoveSearchAttributes.upsert(
        record.id, source, dest, request.type(), machine.state().novaName());
  }

  private void tellInstance(Consumer<InstanceWorkflow> signal) {
    try {
      signal.accept(instance);
    } catch (SignalExternalWorkflowException e) {
      log.warn("could not signal {}: {}", Names.instanceWorkflowId(record.id), e.getMessage());
    }
  }

  @Override
  public MoveView status() {
    return new MoveView(
        moveId(),
        request == null ? null : request.type(),
        record == null ? null : record.id,
        source,
        dest,
        machine.state().novaName(),
        machine.isFinal(),
        machine.log(),
        errors.isEmpty() ? null : String.join("; ", errors));
  }

  @Override
  public LiveMigrationView live() {
    return new LiveMigrationView(
        moveId(),
        record == null ? null : record.id,
        record == null ? null : record.name,
        source,
        dest,
        machine.state().novaName(),
        machine.isFinal(),
        checksPassed,
        queued,
        sharedStorage,
        blockMigration,
        options,
        rejection == null ? null : rejection.reason().name(),
        List.copyOf(candidatesRefused),
        abortRequestedBy,
        forcedBy,
        postCopy,
        totalTimeMs,
        downtimeMs,
        errors.isEmpty() ? null : String.join("; ", errors));
  }

  // ---- small helpers -------------------------------------------------------------------------

  private DomainView lookAt(String host) {
    try {
      DomainView view = hosts.hypervisor(host, "inspect", h -> h.inspect(record.id));
      observe(host, view);
      return view;
    } catch (FerryRejection | LiveStepException e) {
      noteError(e.getMessage());
      return null;
    }
  }

  private void observe(String host, DomainView view) {
    if (view == null || !view.exists()) {
      return;
    }
    powerSeen.put(host, view.powerState());
    if (view.inactiveXml() != null) {
      xmlSeen.put(host, view.inactiveXml());
    }
  }

  private List<String> diskDirs() {
    Set<String> dirs = new LinkedHashSet<>();
    for (DiskInfo disk : facts.disks()) {
      dirs.add(parent(disk.path()));
    }
    return List.copyOf(dirs);
  }

  private List<String> diskPaths() {
    return facts == null ? List.of() : facts.disks().stream().map(DiskInfo::path).toList();
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  private <T> T conductor(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (ActivityFailure f) {
      throw new LiveStepException(what + " failed: " + message(f));
    }
  }

  private void conductorDo(String what, Runnable call) {
    conductor(
        what,
        () -> {
          call.run();
          return null;
        });
  }

  private static String message(Throwable f) {
    return LiveFailures.message(f);
  }

  private String currentHost() {
    return atDest ? dest : source;
  }

  private String moveId() {
    return request == null ? null : request.moveId();
  }

  private String moveConsumer() {
    return Names.moveWorkflowId(moveId());
  }

  private String instanceConsumer() {
    return Names.instanceWorkflowId(record.id);
  }

  private void noteError(String message) {
    if (message != null && !errors.contains(message)) {
      errors.add(message);
    }
  }

  private static FerryRejection reject(Reason reason, String message) {
    return new FerryRejection(reason, message);
  }
}
