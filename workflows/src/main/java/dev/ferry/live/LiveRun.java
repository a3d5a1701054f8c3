package dev.ferry.live;

import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.GuestState;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveInput;
import dev.ferry.statemachine.StateMachine;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One live migration's run state, shared by the workflow's collaborators (workflow thread only).
 * Holds no logic that issues commands: the status moves only through {@link LiveReporting#fire},
 * which consults {@link LiveMigrationStateTable#TABLE}.
 */
final class LiveRun {

  /** The actor of the transitions the workflow makes by itself. */
  static final String SYSTEM = "ferry";

  final StateMachine<LiveMigrationStatus, LiveMigrationEvent> machine =
      new StateMachine<>(LiveMigrationStateTable.TABLE, Workflow::currentTimeMillis);

  final Map<String, String> xmlSeen = new HashMap<>();
  final Map<String, PowerState> powerSeen = new HashMap<>();
  final List<String> errors = new ArrayList<>();
  final List<String> candidatesRefused = new ArrayList<>();

  MoveRequest request;
  InstanceRecord record;
  LiveMigrationOptions options = LiveMigrationOptions.NONE;
  String source;
  String dest;
  String destUri;
  long newEpoch;
  boolean wasRunning;
  SourceFacts facts;
  Boolean sharedStorage;
  Boolean blockMigration;
  FerryRejection rejection;

  boolean checksPassed;
  boolean slotGranted;
  boolean queued;
  boolean destDisksMayExist;
  String abortRequestedBy;
  String forcedBy;
  boolean postCopy;
  boolean jobScheduled;
  Long totalTimeMs;
  Long downtimeMs;

  /** Where the record points: the destination (with the new epoch) once the guest runs there. */
  boolean atDest;

  boolean instanceInError;

  /**
   * The guest as the source saw it in the pre-checks ({@link LivePreChecks#GUEST_STATE_CHANGE});
   * {@link #wasRunning} follows it. Null in histories from before, where the record's vm state said
   * whether the guest ran.
   */
  GuestState guest;

  /** The input's facts; the options are resolved by the caller. */
  void start(MoveInput input) {
    request = input.request();
    record = input.instance();
    source = record.host;
    newEpoch = record.epoch + 1;
    wasRunning = record.vmState != VmState.PAUSED;
    xmlSeen.put(source, record.domainXml);
    powerSeen.put(source, record.powerState);
  }

  LiveMigrationStatus status() {
    return machine.state();
  }

  boolean isFinal() {
    return machine.isFinal();
  }

  boolean abortRequested() {
    return abortRequestedBy != null;
  }

  String abortActor() {
    return abortRequestedBy == null ? SYSTEM : abortRequestedBy;
  }

  boolean block() {
    return Boolean.TRUE.equals(blockMigration);
  }

  VmState settledVmState() {
    if (instanceInError) {
      return VmState.ERROR;
    }
    return vmStateBefore(); // wherever the guest is, as it was
  }

  /** The vm state the instance shows while the move runs: its guest's, once read. */
  VmState vmStateBefore() {
    return guest != null ? guest.vmState() : record.vmState;
  }

  void observe(String host, DomainView view) {
    if (view == null || !view.exists()) {
      return;
    }
    powerSeen.put(host, view.powerState());
    if (view.inactiveXml() != null) {
      xmlSeen.put(host, view.inactiveXml());
    }
  }

  void noteError(String message) {
    if (message != null && !errors.contains(message)) {
      errors.add(message);
    }
  }

  String errorText() {
    return errors.isEmpty() ? null : String.join("; ", errors);
  }

  List<String> diskDirs() {
    Set<String> dirs = new LinkedHashSet<>();
    for (DiskInfo disk : facts.disks()) {
      dirs.add(parent(disk.path()));
    }
    return List.copyOf(dirs);
  }

  List<String> diskPaths() {
    return facts == null ? List.of() : facts.disks().stream().map(DiskInfo::path).toList();
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  String currentHost() {
    return atDest ? dest : source;
  }

  String moveId() {
    return request == null ? null : request.moveId();
  }

  String moveConsumer() {
    return Names.moveWorkflowId(moveId());
  }

  String instanceConsumer() {
    return Names.instanceWorkflowId(record.id);
  }

  static String actorOrUnknown(String actor) {
    return actor == null || actor.isBlank() ? "unknown" : actor;
  }
}
