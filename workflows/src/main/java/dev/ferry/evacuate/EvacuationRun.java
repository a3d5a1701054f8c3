package dev.ferry.evacuate;

import dev.ferry.model.BaseImage;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import dev.ferry.move.HostCalls;
import dev.ferry.move.InstanceChannel;
import dev.ferry.move.MoveInput;
import dev.ferry.statemachine.StateMachine;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * One evacuation's facts and state, shared by the workflow and its collaborators (fencing, rebuild,
 * compensations, reporting): what the input said, where the instance is rebuilt, what this move
 * made there, what went wrong. The status moves only through {@link EvacuationReporting#fire}.
 */
final class EvacuationRun {

  /** The actor of the transitions the workflow makes by itself. */
  static final String SYSTEM = "ferry";

  final HostCalls hosts;
  final StateMachine<EvacuationStatus, EvacuationEvent> machine =
      new StateMachine<>(EvacuationStateTable.TABLE, Workflow::currentTimeMillis);
  final List<String> errors = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  MoveRequest request;
  InstanceRecord record;
  InstanceChannel channel;
  String source;
  String dest;
  long newEpoch;
  boolean wasStopped;
  String fencingSummary;
  String fenceMethod;
  String disk = "none";
  boolean localDataLost;

  /** The destination copy this move defined may exist: compensation looks, then removes it. */
  boolean destDefined;

  String destXml;

  /**
   * The new host-local disk made on the destination from the base image: this move's own (the
   * activity replaces whatever was at that path, or refuses when a domain uses it), so compensation
   * deletes it.
   */
  String newDiskPath;

  PowerState destPower = PowerState.NOSTATE;

  EvacuationRun(HostCalls hosts) {
    this.hosts = hosts;
  }

  /** The input's facts; nothing is announced yet. */
  void start(MoveInput input) {
    request = input.request();
    record = input.instance();
    channel = new InstanceChannel(input);
    hosts.forServer(record.name);
    source = record.host;
    newEpoch = record.epoch + 1;
    wasStopped = record.vmState == VmState.STOPPED;
  }

  /** The recorded base image in {@code host}'s image store, or null when it has none. */
  BaseImage findBaseImage(String host) {
    return hosts.disk(host, "look for image " + record.baseImage, d -> d.findImage(imageName()));
  }

  FerryRejection missingImage(String host) {
    return new FerryRejection(
        Reason.UNKNOWN_IMAGE,
        "host "
            + host
            + " has no base image "
            + record.baseImage
            + " in its image store: "
            + record.name
            + "'s host-local disk "
            + record.diskPath
            + " can only be rebuilt from that image; add it to "
            + host
            + "'s image store or evacuate to a host that has it");
  }

  String imageName() {
    return record.baseImage;
  }

  void observe(DomainView view) {
    if (view == null || !view.exists()) {
      return;
    }
    destPower = view.powerState();
    if (view.inactiveXml() != null) {
      destXml = view.inactiveXml();
    }
  }

  boolean hasLocalDisk() {
    return record.diskPath != null && !record.diskPath.isBlank() && !record.sharedStorage;
  }

  String actor() {
    return request.requestedBy() == null || request.requestedBy().isBlank()
        ? "unknown"
        : request.requestedBy();
  }

  String what() {
    return "evacuation " + moveConsumer();
  }

  String moveConsumer() {
    return Names.moveWorkflowId(request.moveId());
  }

  String instanceConsumer() {
    return Names.instanceWorkflowId(record.id);
  }

  void noteError(String message) {
    errors.add(message);
  }

  /** A refusal as the move's error says it: its reason, then why. */
  void noteRefusal(FerryRejection r) {
    noteError(r.reason() + ": " + r.getMessage());
  }
}
