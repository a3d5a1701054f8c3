package dev.ferry.resize;

import dev.ferry.model.DiskCopy;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.Flavor;
import dev.ferry.model.GuestState;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.Settings;
import dev.ferry.model.VmState;
import dev.ferry.move.HostCalls;
import dev.ferry.move.InstanceChannel;
import dev.ferry.move.MoveClaims;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveStepException;
import dev.ferry.statemachine.StateMachine;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One resize's facts and state, shared by the workflow and its collaborators (steps, probe,
 * compensations, decision, confirm/revert, bookkeeping, reporting): what the input said, where the
 * move goes, what was seen on each host, what went wrong.
 */
final class ResizeRun {

  static final String SYSTEM = "ferry";

  final HostCalls hosts;
  final StateMachine<ResizeStatus, ResizeEvent> machine =
      new StateMachine<>(ResizeStateTable.TABLE, Workflow::currentTimeMillis);

  /** Last definition XML and power state seen on each host. */
  final Map<String, String> xmlSeen = new HashMap<>();

  final Map<String, PowerState> powerSeen = new HashMap<>();
  final List<String> errors = new ArrayList<>();
  final CancelWatch cancel = new CancelWatch();

  MoveRequest request;
  InstanceRecord record;
  InstanceChannel channel;
  String source;
  String dest;
  Flavor oldFlavor;
  Flavor newFlavor;
  long newEpoch;
  boolean wasRunning;
  boolean sameHost;
  String oldXml;
  long confirmWindowSeconds;

  /**
   * Where the instance's record points: the new definition (dest host, new flavor, new epoch) or
   * the old one. On the same-host path: whether the new flavor is defined.
   */
  boolean atDest;

  /**
   * The disk is host-local (by the shared-storage probe) and is copied to the destination: confirm
   * deletes the source's, revert and compensation the destination's. False on shared storage.
   */
  boolean copiesDisk;

  /** {@link ResizeSteps#DISK_COPY_CHANGE}: DEFAULT_VERSION when replaying a history from before. */
  int diskCopyVersion = Workflow.DEFAULT_VERSION;

  DiskCopy diskCopy;

  /**
   * The guest at the source as its libvirt saw it before the move stopped anything ({@link
   * ResizeSteps#GUEST_STATE_CHANGE}); null in histories from before, where the record decided.
   */
  GuestState guest;

  /** A copy at the destination may run (a powerOn was tried and not undone): never start two. */
  boolean destMayRun;

  boolean instanceInError;
  boolean claimSettled;

  ResizeRun(HostCalls hosts) {
    this.hosts = hosts;
  }

  /** The input's facts; nothing is announced yet. */
  void start(MoveInput input) {
    request = input.request();
    record = input.instance();
    channel = new InstanceChannel(input);
    hosts.forServer(record.name);
    source = record.host;
    oldFlavor = record.flavor;
    newFlavor = record.flavor;
    newEpoch = record.epoch;
    wasRunning = record.vmState != VmState.STOPPED;
    xmlSeen.put(source, record.domainXml);
    powerSeen.put(source, record.powerState);
  }

  /** The guest's state refused the move: the instance keeps the state its guest is in. */
  boolean refusedByGuest() {
    return guest != null && guest != GuestState.RUNNING && guest != GuestState.SHUT_OFF;
  }

  /** The instance's vm state before the move: the guest's, once read. */
  VmState vmStateBefore() {
    return guest != null ? guest.vmState() : record.vmState;
  }

  DomainView lookAt(String host) {
    return hosts.hypervisor(host, "inspect", h -> h.inspect(record.id));
  }

  String existingXmlAt(String host) {
    DomainView current = lookAt(host);
    if (!current.exists()) {
      throw new MoveStepException(record.name + " has no domain on " + host);
    }
    return current.inactiveXml();
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

  DomainSpec spec(Flavor flavor, long epoch, String baseXml) {
    return new DomainSpec(
        record.id, record.name, flavor, epoch, baseXml, record.diskPath, record.baseImage);
  }

  String currentHost() {
    return atDest ? dest : source;
  }

  boolean sameHostAllowed(Settings settings) {
    return MoveClaims.sameHostAllowed(request.type(), settings);
  }

  /** A cold migration never stays on its host: same-host is for a new flavor only. */
  boolean isResize() {
    return request.type() == MoveType.RESIZE || !newFlavor.equals(oldFlavor);
  }

  String what() {
    return (isResize() ? "resize " : "cold migration ") + Names.moveWorkflowId(moveId());
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

  void noteError(String message) {
    errors.add(message);
  }
}
