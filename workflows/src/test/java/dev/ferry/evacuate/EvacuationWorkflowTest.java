package dev.ferry.evacuate;

import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.MoveTestKit.EPOCH;
import static dev.ferry.testing.MoveTestKit.H1;
import static dev.ferry.testing.MoveTestKit.H2;
import static dev.ferry.testing.MoveTestKit.IMAGE;
import static dev.ferry.testing.MoveTestKit.SHARED_DISK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import dev.ferry.testing.MoveTestKit;
import dev.ferry.testing.RecordUnitCorpus;
import dev.ferry.testing.TableCoverage;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * EvacuationWorkflow started through the real InstanceWorkflow, against Temporal's test server:
 * placement, host records and fencing mocked; the failed source h1 has no agent at all (nothing may
 * call it); the destination h2 is a {@link FakeHypervisor}.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
@RecordUnitCorpus({EvacuationWorkflowImpl.class, InstanceWorkflowImpl.class})
class EvacuationWorkflowTest {

  private static final Flavor SMALL = Flavors.require("m1.small");
  private static final String XML = "<domain><name>vm1</name><!-- from the record --></domain>";

  @RegisterExtension
  static final TableCoverage<EvacuationStatus, EvacuationEvent> COVERAGE =
      new TableCoverage<>(
          EvacuationStateTable.TABLE, EvacuationStatus.class, EvacuationEvent.class);

  private final MoveTestKit kit = new MoveTestKit();
  private final WorkflowClient client = kit.client;
  private final PlacementActivities placement = kit.placement;
  private final HostRecordActivities hostRecords = kit.hostRecords;
  private final FencingActivities fencing =
      mock(FencingActivities.class, withSettings().withoutAnnotations());
  private final FakeHypervisor h2 = new FakeHypervisor(H2);
  private final Set<String> upHosts = ConcurrentHashMap.newKeySet();
  private final Set<String> forcedDown = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void setUp() {
    kit.claimsLandOn(H2);
    upHosts.add(H2);
    when(hostRecords.get(anyString())).thenAnswer(inv -> hostRecord(inv.getArgument(0)));
    when(fencing.fence(any()))
        .thenAnswer(
            inv -> {
              FenceRequest r = inv.getArgument(0);
              return new FenceResult(
                  r.method(),
                  r.host(),
                  "operator " + r.actor() + " confirmed " + r.host() + " is powered off");
            });

    Worker conductor = kit.conductor(fencing);
    conductor.registerWorkflowImplementationTypes(InstanceWorkflowImpl.class);
    conductor.registerWorkflowImplementationFactory(
        EvacuationWorkflow.class, () -> new EvacuationWorkflowImpl(Duration.ofSeconds(3)));
    kit.start();
    kit.startAgent(H2, h2);
  }

  @AfterEach
  void tearDown() {
    kit.close();
  }

  // ---- the happy path ------------------------------------------------------------------------

  @Test
  void fencesThenRebuildsFromTheRecordOnThePlacedHostReusingTheSharedDisk() {
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = UUID.randomUUID().toString();

    String workflowId = instance.startMove(evacuation(moveId, rec, FenceMethods.CONFIRMED_OFF));

    assertEquals("move:" + moveId, workflowId);
    MoveView view = result(moveId);
    assertEquals("done", view.status());
    assertEquals(List.of("accepted", "pre-migrating", "done"), statuses(view));
    assertEquals("alice via confirmed-off", view.log().get(1).actor()); // fencing, with its actor
    assertEquals(H2, view.destHost());
    assertNull(view.error());

    verify(fencing).fence(new FenceRequest(H1, rec.id, "confirmed-off", "alice", "qemu:///h1"));
    verify(placement)
        .claim(new ClaimRequest("move:" + moveId, SMALL.resources(), null, List.of(H1)).like(H1));
    // Rebuilt from the RECORD (its XML), epoch + 1, same shared disk; started.
    assertEquals(
        List.of(new DomainSpec(rec.id, "vm1", SMALL, EPOCH + 1, XML, SHARED_DISK, IMAGE)),
        h2.defined);
    assertEquals(List.of("inspect", "define epoch=4", "powerOn"), h2.calls);
    // The stale copy: the source's cleanup list, domain only (never the shared disk), old epoch.
    verify(hostRecords)
        .addCleanup(
            H1,
            new CleanupItem(
                "evacuation:" + moveId,
                CleanupItem.Kind.REMOVE_STALE_DOMAIN,
                rec.id,
                EPOCH,
                null,
                "stale copy of vm1 evacuated to h2 by evacuation move:" + moveId,
                moveId));
    verify(placement).swap("move:" + moveId, "instance:" + rec.id); // releases h1's claim
    verify(placement, never()).release(anyString());

    InstanceRecord after = awaitIdle(instance);
    assertEquals(H2, after.host);
    assertEquals(EPOCH + 1, after.epoch);
    assertEquals(VmState.ACTIVE, after.vmState);
    assertEquals(PowerState.RUNNING, after.powerState);
    assertEquals(TaskState.NONE, after.taskState);
    assertEquals("<domain host='h2' epoch='4'/>", after.domainXml);
    assertEquals(
        new MoveSummary(moveId, MoveType.EVACUATION, H1, H2, "done", 0, 0),
        withoutTimes(last(after)));

    EvacuationDetails details =
        client.newWorkflowStub(EvacuationWorkflow.class, workflowId).details();
    assertEquals("confirmed-off", details.fenceMethod());
    assertEquals("operator alice confirmed h1 is powered off", details.fencing());
    assertEquals("shared", details.disk());
    assertFalse(details.localDataLost());

    kit.assertSearchAttributes(workflowId, rec.id, H1, H2, "EVACUATION", "done");

    // h1's agent returns, destroys the stale copy before serving, and says so.
    instance.evacuationCompleted(moveId);
    eventually(() -> assertEquals("completed", last(instance.get()).status()));
    assertReplays(workflowId);
  }

  @Test
  void aForcedDownHostIsEvacuatedToTheRequestedHost() {
    upHosts.add(H1);
    forcedDown.add(H1); // UP by its lease, forced down by the operator: counts as down (Nova)
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = UUID.randomUUID().toString();

    instance.startMove(
        new MoveRequest(
            moveId, MoveType.EVACUATION, rec.id, H2, null, null, "bob", "libvirt-destroy"));

    assertEquals("done", result(moveId).status());
    verify(placement)
        .claim(new ClaimRequest("move:" + moveId, SMALL.resources(), H2, List.of(H1)).like(H1));
    assertEquals(H2, awaitIdle(instance).host);
  }

  @Test
  void aStoppedInstanceIsRebuiltStopped() {
    InstanceRecord rec = instance(VmState.STOPPED);
    rec.powerState = PowerState.SHUTDOWN;
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, null);

    assertEquals("done", result(moveId).status());
    assertEquals(List.of("inspect", "define epoch=4"), h2.calls); // never started
    InstanceRecord after = awaitIdle(instance);
    assertEquals(VmState.STOPPED, after.vmState);
    assertEquals(PowerState.SHUTDOWN, after.powerState);
    assertTrue(after.note.contains("vm1 was STOPPED: rebuilt and left shut off"), after.note);
    assertNull(after.lastError, "the choice is a note, not an error");
    // Fencing ran with the conductor's default method (none asked).
    verify(fencing).fence(new FenceRequest(H1, rec.id, null, "alice", "qemu:///h1"));
  }

  @Test
  void anErrorInstanceIsEvacuatedAndComesBackActive() {
    InstanceRecord rec = instance(VmState.ERROR);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    assertEquals("done", result(moveId).status());
    InstanceRecord after = awaitIdle(instance);
    assertEquals(VmState.ACTIVE, after.vmState);
    assertTrue(after.note.contains("vm1 was in ERROR: rebuilt and started"), after.note);
  }

  @Test
  void aHostLocalDiskIsRebuiltFromTheBaseImageAndTheLossIsRecorded() {
    h2.images.put(IMAGE, 2048L);
    InstanceRecord rec = localDiskInstance();
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    MoveView view = result(moveId);
    assertEquals("done", view.status());
    assertNull(view.error(), "the loss is no failure: the move says it in its notes");
    String note = awaitIdle(instance).note;
    assertTrue(note.contains("local data of vm1 is lost"), note);
    String newDisk = "/var/lib/ferry/local/" + rec.id + ".qcow2";
    assertTrue(
        note.contains(
            "new disk "
                + newDisk
                + " (4096 MiB) made from base image "
                + IMAGE
                + " ("
                + FakeHypervisor.imagePath(IMAGE)
                + " on h2)"),
        note);
    // The placed destination is asked for the image, then copies it into the new disk (of the
    // recorded size), which the rebuilt domain uses.
    assertEquals(
        List.of(
            "inspect",
            "findImage " + IMAGE,
            "createDiskFromImage " + IMAGE + " 4096 local",
            "define epoch=4",
            "powerOn"),
        h2.calls);
    assertEquals(newDisk, h2.defined.get(0).diskPath());
    assertEquals(IMAGE, h2.defined.get(0).baseImage());
    InstanceRecord after = awaitIdle(instance);
    assertEquals(H2, after.host);
    assertEquals(VmState.ACTIVE, after.vmState);
    assertNull(after.lastError, "the loss is a note, not the instance's last error");
    assertTrue(after.note.contains("vm1 was ACTIVE: rebuilt and started"), after.note);
    EvacuationDetails details =
        client.newWorkflowStub(EvacuationWorkflow.class, "move:" + moveId).details();
    assertTrue(details.localDataLost());
    assertTrue(
        details.notes().stream().anyMatch(n -> n.startsWith("local data of vm1 is lost")),
        details.notes().toString());
    assertEquals("rebuilt-from-base-image", details.disk());
    assertReplays("move:" + moveId);
  }

  @Test
  void aNamedDestinationWithoutTheBaseImageIsRefusedBeforeFencing() {
    InstanceRecord rec = localDiskInstance(); // h2's image store is empty
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuateTo(instance, rec, H2);

    MoveView view = result(moveId);
    assertEquals(List.of("accepted", "failed"), statuses(view));
    assertTrue(
        view.error().startsWith("UNKNOWN_IMAGE: host h2 has no base image " + IMAGE), view.error());
    assertTrue(view.error().contains("evacuate to a host that has it"), view.error());
    verify(fencing, never()).fence(any());
    verify(placement, never()).claim(any());
    assertEquals(List.of("findImage " + IMAGE), h2.calls);
    InstanceRecord after = awaitIdle(instance);
    assertEquals(H1, after.host);
    assertEquals(EPOCH, after.epoch);
    assertEquals(VmState.ACTIVE, after.vmState); // refused: the record is as it was
    assertEquals("failed", last(after).status());
    // the summary names the destination asked for, not the host the instance stayed on
    assertEquals(H1, last(after).sourceHost());
    assertEquals(H2, last(after).destHost());
  }

  @Test
  void aPlacedDestinationWithoutTheBaseImageMakesNothingAndReleasesTheClaim() {
    InstanceRecord rec = localDiskInstance(); // h2's image store is empty
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    MoveView view = result(moveId);
    assertEquals(List.of("accepted", "pre-migrating", "error"), statuses(view));
    assertTrue(
        view.error().startsWith("UNKNOWN_IMAGE: host h2 has no base image " + IMAGE), view.error());
    assertEquals(List.of("inspect", "findImage " + IMAGE), h2.calls); // no disk, no domain
    verify(placement).release("move:" + moveId);
    verify(placement, never()).swap(anyString(), anyString());
    InstanceRecord after = awaitIdle(instance);
    assertEquals(H1, after.host);
    assertEquals(VmState.ERROR, after.vmState); // fenced, rebuilt nowhere: evacuate it again
  }

  @Test
  void aFailedRebuildDeletesOnlyTheDiskItMadeAfterItsDomain() {
    h2.images.put(IMAGE, 2048L);
    h2.failPowerOn = "qemu: could not start";
    InstanceRecord rec = localDiskInstance();
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuateTo(instance, rec, H2);

    MoveView view = result(moveId);
    assertEquals(List.of("accepted", "pre-migrating", "error"), statuses(view));
    String newDisk = "/var/lib/ferry/local/" + rec.id + ".qcow2";
    // Named destination: the image was looked for before fencing, not again after the claim.
    assertEquals(
        List.of(
            "findImage " + IMAGE,
            "inspect",
            "createDiskFromImage " + IMAGE + " 4096 local",
            "define epoch=4",
            "powerOn",
            "inspect",
            "remove epochAtMost=4",
            "deleteDisk " + newDisk),
        h2.calls);
    EvacuationDetails details =
        client.newWorkflowStub(EvacuationWorkflow.class, "move:" + moveId).details();
    assertTrue(details.notes().contains("deleted the new disk " + newDisk + " on h2"));
    verify(placement).release("move:" + moveId);
    verify(hostRecords, never()).addCleanup(anyString(), any()); // the source is not touched
    assertEquals(VmState.ERROR, awaitIdle(instance).vmState);
    assertReplays("move:" + moveId);
  }

  @Test
  void aCopyRefusedByTheDestinationLeavesNothingToDelete() {
    // The image went from h2's store between the look and the copy: the copy refuses.
    h2.images.put(IMAGE, 2048L);
    InstanceRecord rec = localDiskInstance();
    InstanceWorkflow instance = startInstance(rec);
    String moveId = UUID.randomUUID().toString();
    h2.removeImageOnFind = true;

    instance.startMove(evacuation(moveId, rec, FenceMethods.CONFIRMED_OFF));

    MoveView view = result(moveId);
    assertEquals("error", view.status());
    assertTrue(view.error().contains("no base image " + IMAGE), view.error());
    assertFalse(h2.calls.stream().anyMatch(c -> c.startsWith("deleteDisk")), h2.calls.toString());
    assertFalse(h2.calls.stream().anyMatch(c -> c.startsWith("define")), h2.calls.toString());
    verify(placement).release("move:" + moveId);
    awaitIdle(instance);
  }

  // ---- refusals: nothing is touched ----------------------------------------------------------

  @Test
  void refusedWhileTheSourceIsUpAndNothingChanges() {
    upHosts.add(H1);
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    MoveView view = result(moveId);
    assertEquals("failed", view.status());
    assertEquals(List.of("accepted", "failed"), statuses(view));
    assertTrue(view.error().startsWith("HOST_IN_USE: host h1 is UP"), view.error());
    assertTrue(view.error().contains("ComputeServiceInUse"), view.error());
    verify(fencing, never()).fence(any());
    verify(placement, never()).claim(any());
    verify(hostRecords, never()).addCleanup(anyString(), any());
    assertEquals(List.of(), h2.calls);
    InstanceRecord after = awaitIdle(instance);
    assertEquals(H1, after.host);
    assertEquals(EPOCH, after.epoch);
    assertEquals(VmState.ACTIVE, after.vmState);
    assertEquals(PowerState.RUNNING, after.powerState);
    assertEquals(XML, after.domainXml);
    assertEquals("failed", last(after).status());
  }

  @Test
  void fencingFailureRebuildsNothing() {
    doThrow(
            ApplicationFailure.newNonRetryableFailure(
                "libvirt at qemu+tcp://h1/system does not answer", FenceMethods.FAILED))
        .when(fencing)
        .fence(any());
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.LIBVIRT_DESTROY);

    MoveView view = result(moveId);
    assertEquals(List.of("accepted", "failed"), statuses(view));
    assertTrue(view.error().contains("fencing host h1 by libvirt-destroy failed"), view.error());
    assertTrue(view.error().contains("does not answer"), view.error());
    assertTrue(view.error().contains("--fence confirmed-off"), view.error());
    verify(placement, never()).claim(any());
    assertEquals(List.of(), h2.calls); // no rebuild before fencing succeeds
    InstanceRecord after = awaitIdle(instance);
    assertEquals(H1, after.host);
    assertEquals(VmState.ACTIVE, after.vmState);
    assertEquals(EPOCH, after.epoch);
  }

  @Test
  void aHostLocalDiskWithoutABaseImageIsRefusedBeforeFencing() {
    InstanceRecord rec = instance(VmState.ACTIVE);
    rec.diskPath = "/var/lib/ferry/local/vm1.qcow2";
    rec.sharedStorage = false;
    rec.baseImage = null;
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    MoveView view = result(moveId);
    assertEquals("failed", view.status());
    assertTrue(view.error().contains("no base image is recorded"), view.error());
    verify(fencing, never()).fence(any());
  }

  // ---- rebuild failure: compensation ---------------------------------------------------------

  @Test
  void rebuildFailureRemovesTheDestinationCopyReleasesTheClaimAndTouchesNothingOfTheSource() {
    h2.failPowerOn = "qemu: could not start";
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    MoveView view = result(moveId);
    assertEquals(List.of("accepted", "pre-migrating", "error"), statuses(view));
    assertTrue(view.error().contains("power on on h2 failed: qemu: could not start"), view.error());
    // Look first, then remove exactly the copy this move created (its epoch).
    assertEquals(
        List.of("inspect", "define epoch=4", "powerOn", "inspect", "remove epochAtMost=4"),
        h2.calls);
    assertTrue(h2.domains.isEmpty());
    verify(placement).release("move:" + moveId);
    verify(placement, never()).swap(anyString(), anyString());
    verify(hostRecords, never()).addCleanup(anyString(), any()); // the source is not touched
    InstanceRecord after = awaitIdle(instance);
    assertEquals(H1, after.host);
    assertEquals(EPOCH, after.epoch);
    assertEquals(VmState.ERROR, after.vmState); // fenced, rebuilt nowhere: evacuate it again
    assertEquals("error", last(after).status());
    assertReplays("move:" + moveId);
  }

  @Test
  void compensationKeepsADestinationCopyThisMoveDidNotCreate() {
    h2.failDefine = "XML refused";
    InstanceRecord rec = instance(VmState.ACTIVE);
    // A stopped leftover of an older epoch already sits on h2; the refused define kept it.
    DomainView leftover =
        new DomainView(true, rec.id, "vm1", PowerState.SHUTDOWN, 1, 2048, rec.id, 1, "<old/>");
    h2.domains.put(rec.id, leftover);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    assertEquals("error", result(moveId).status());
    assertEquals(leftover, h2.domains.get(rec.id));
    assertFalse(h2.calls.stream().anyMatch(c -> c.startsWith("remove")), h2.calls.toString());
    verify(placement).release("move:" + moveId);
    awaitIdle(instance);
  }

  /**
   * A destination whose record says alive but whose agent never takes a call: the move gives up
   * after the kernel's three rounds (the message says so), defines nothing and releases its claim.
   */
  @Test
  void aDestinationWhoseAgentNeverAnswersIsGivenUpAfterThreeRounds() {
    upHosts.add("h3"); // alive by its record, no agent on its queue
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuateTo(instance, rec, "h3");

    MoveView view = result(moveId);
    assertEquals(List.of("accepted", "pre-migrating", "error"), statuses(view));
    assertTrue(
        view.error()
            .contains(
                "inspect on h3 failed: host h3 is unreachable (no agent took the call within 3 s,"
                    + " 3 times)"),
        view.error());
    assertEquals(List.of(), h2.calls);
    verify(placement).release("move:" + moveId);
    verify(placement, never()).swap(anyString(), anyString());
    assertEquals(VmState.ERROR, awaitIdle(instance).vmState);
  }

  @Test
  void noValidHostEndsInErrorAndReleasesNothingItDidNotClaim() {
    doThrow(
            ApplicationFailure.newNonRetryableFailure(
                "no host has room", "FerryRejection.NO_VALID_HOST"))
        .when(placement)
        .claim(any());
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    MoveView view = result(moveId);
    assertEquals(List.of("accepted", "pre-migrating", "error"), statuses(view));
    assertTrue(view.error().contains("no host has room"), view.error());
    assertEquals(List.of(), h2.calls);
    verify(placement).release("move:" + moveId); // idempotent: nothing held
    assertEquals(VmState.ERROR, awaitIdle(instance).vmState);
  }

  @Test
  void aRunningCopyAtTheDestinationIsNeverJoinedByASecond() {
    InstanceRecord rec = instance(VmState.ACTIVE);
    h2.domains.put(
        rec.id,
        new DomainView(true, rec.id, "vm1", PowerState.RUNNING, 1, 2048, rec.id, EPOCH, "<x/>"));
    InstanceWorkflow instance = startInstance(rec);
    String moveId = evacuate(instance, rec, FenceMethods.CONFIRMED_OFF);

    MoveView view = result(moveId);
    assertEquals("error", view.status());
    assertTrue(view.error().contains("already runs on h2"), view.error());
    assertEquals(List.of("inspect"), h2.calls);
    assertTrue(h2.domains.containsKey(rec.id));
    awaitIdle(instance);
  }

  // ---- idempotency ---------------------------------------------------------------------------

  @Test
  void aSecondRequestReturnsTheRunningEvacuation() throws Exception {
    CountDownLatch fenced = new CountDownLatch(1);
    CountDownLatch fencingStarted = new CountDownLatch(1);
    doAnswer(
            inv -> {
              fencingStarted.countDown();
              assertTrue(fenced.await(30, TimeUnit.SECONDS));
              return new FenceResult("confirmed-off", H1, "confirmed");
            })
        .when(fencing)
        .fence(any());
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String first = UUID.randomUUID().toString();
    assertEquals(
        "move:" + first, instance.startMove(evacuation(first, rec, FenceMethods.CONFIRMED_OFF)));
    assertTrue(fencingStarted.await(20, TimeUnit.SECONDS));

    String second = UUID.randomUUID().toString();
    String answer = instance.startMove(evacuation(second, rec, FenceMethods.CONFIRMED_OFF));
    // ...and the same move id again (a retried request) answers the same.
    String again = instance.startMove(evacuation(first, rec, FenceMethods.CONFIRMED_OFF));
    fenced.countDown();

    assertEquals("move:" + first, answer);
    assertEquals("move:" + first, again);
    assertEquals("done", result(first).status());
    verify(fencing, times(1)).fence(any());
    assertEquals(1, h2.defined.size());
    assertFalse(exists("move:" + second));
    // Once done, a retry of the same move id returns it, it does not run again.
    awaitIdle(instance);
    assertEquals(
        "move:" + first, instance.startMove(evacuation(first, rec, FenceMethods.CONFIRMED_OFF)));
    assertEquals(1, instance.get().moves.size());
  }

  @Test
  void anotherKindOfMoveIsStillRejectedWhileBusy() throws Exception {
    CountDownLatch fenced = new CountDownLatch(1);
    doAnswer(
            inv -> {
              assertTrue(fenced.await(30, TimeUnit.SECONDS));
              return new FenceResult("confirmed-off", H1, "confirmed");
            })
        .when(fencing)
        .fence(any());
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String first = UUID.randomUUID().toString();
    instance.startMove(evacuation(first, rec, FenceMethods.CONFIRMED_OFF));

    FerryRejection r;
    try {
      instance.startMove(
          new MoveRequest(
              UUID.randomUUID().toString(),
              MoveType.COLD_MIGRATION,
              rec.id,
              null,
              null,
              null,
              "bob"));
      throw new AssertionError("accepted");
    } catch (RuntimeException e) {
      r = FerryRejection.from(e).orElseThrow(() -> e);
    } finally {
      fenced.countDown();
    }
    assertEquals(FerryRejection.Reason.INSTANCE_BUSY, r.reason());
    assertEquals("done", result(first).status());
  }

  @Test
  void completionSignalledBeforeTheMoveClosedIsKept() {
    // The agent of h1 may return between the cleanup item and the move's close.
    InstanceRecord rec = instance(VmState.ACTIVE);
    InstanceWorkflow instance = startInstance(rec);
    String moveId = UUID.randomUUID().toString();
    doAnswer(
            inv -> {
              instance.evacuationCompleted(moveId);
              return null;
            })
        .when(hostRecords)
        .addCleanup(eq(H1), any());

    instance.startMove(evacuation(moveId, rec, FenceMethods.CONFIRMED_OFF));

    assertEquals("done", result(moveId).status());
    eventually(() -> assertEquals("completed", last(instance.get()).status()));
    assertNull(instance.get().evacuationCompletedEarly);
  }

  // ---- harness -------------------------------------------------------------------------------

  private InstanceWorkflow startInstance(InstanceRecord rec) {
    return kit.startInstance(rec);
  }

  /** Asks the instance for an evacuation (fenced by {@code method}); returns the move's id. */
  private static String evacuate(InstanceWorkflow instance, InstanceRecord rec, String method) {
    String moveId = UUID.randomUUID().toString();
    instance.startMove(evacuation(moveId, rec, method));
    return moveId;
  }

  /** Asks the instance for an evacuation to {@code dest}; returns the move's id. */
  private static String evacuateTo(InstanceWorkflow instance, InstanceRecord rec, String dest) {
    String moveId = UUID.randomUUID().toString();
    instance.startMove(evacuationTo(moveId, rec, dest));
    return moveId;
  }

  private static MoveRequest evacuation(String moveId, InstanceRecord rec, String method) {
    return new MoveRequest(moveId, MoveType.EVACUATION, rec.id, null, null, null, "alice", method);
  }

  private static MoveRequest evacuationTo(String moveId, InstanceRecord rec, String dest) {
    return new MoveRequest(
        moveId, MoveType.EVACUATION, rec.id, dest, null, null, "alice", FenceMethods.CONFIRMED_OFF);
  }

  /** An instance whose 4 GiB root disk was local to h1, made from {@link MoveTestKit#IMAGE}. */
  private static InstanceRecord localDiskInstance() {
    InstanceRecord rec = instance(VmState.ACTIVE);
    rec.diskPath = "/var/lib/ferry/local/" + rec.id + ".qcow2";
    rec.diskSizeMb = 4096;
    rec.sharedStorage = false;
    return rec;
  }

  private MoveView result(String moveId) {
    MoveView view =
        client.newUntypedWorkflowStub(Names.moveWorkflowId(moveId)).getResult(MoveView.class);
    COVERAGE.walked(view);
    return view;
  }

  /** The instance after its move closed (the lock released). */
  private static InstanceRecord awaitIdle(InstanceWorkflow instance) {
    eventually(() -> assertFalse(instance.get().isBusy(), "still busy"));
    return instance.get();
  }

  private boolean exists(String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static MoveSummary last(InstanceRecord r) {
    return r.moves.get(r.moves.size() - 1);
  }

  private static MoveSummary withoutTimes(MoveSummary m) {
    return new MoveSummary(m.moveId(), m.type(), m.sourceHost(), m.destHost(), m.status(), 0, 0);
  }

  private static List<String> statuses(MoveView view) {
    return view.log().stream().map(c -> EvacuationStatus.valueOf(c.to()).novaName()).toList();
  }

  private HostRecord hostRecord(String name) {
    HostRecord r = new HostRecord();
    r.name = name;
    r.status = upHosts.contains(name) ? HostStatus.UP : HostStatus.DOWN;
    r.forcedDown = forcedDown.contains(name);
    r.libvirtUri = "qemu:///" + name;
    return r;
  }

  private static InstanceRecord instance(VmState vm) {
    InstanceRecord r =
        MoveTestKit.vm1(
            SMALL, XML, vm, vm == VmState.ACTIVE ? PowerState.RUNNING : PowerState.NOSTATE);
    r.baseImage = IMAGE;
    return r;
  }

  private void assertReplays(String workflowId) {
    kit.assertReplays(workflowId, EvacuationWorkflowImpl.class);
  }
}
