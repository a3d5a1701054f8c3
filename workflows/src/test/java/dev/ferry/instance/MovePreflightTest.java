package dev.ferry.instance;

import static dev.ferry.instance.InstanceWorkflowTest.ID;
import static dev.ferry.instance.InstanceWorkflowTest.active;
import static dev.ferry.instance.InstanceWorkflowTest.coldMigration;
import static dev.ferry.instance.InstanceWorkflowTest.resize;
import static dev.ferry.testing.FerryTestEnv.H2;
import static dev.ferry.testing.FerryTestEnv.json;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MovePreflight;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.RecordUnitCorpus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The {@code startMove} handler runs the pre-flight before any move starts: a refusal answers the
 * Update with its typed reason and leaves the record as it was (no move, no error, the lock free);
 * an admitted request starts the move with what the pre-flight was asked about.
 */
@RecordUnitCorpus({InstanceWorkflowImpl.class})
class MovePreflightTest {

  private FerryTestEnv t;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private boolean moveExists(String moveId) {
    try {
      t.status(Names.moveWorkflowId(moveId));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void aPreflightRefusalAnswersTheUpdateAndLeavesNoMoveNoErrorAndTheLockFree() {
    doThrow(
            new FerryRejection(Reason.HOST_UNAVAILABLE, "source host h1 of web-1 is DOWN")
                .toFailure())
        .when(t.preflight)
        .check(any());
    InstanceWorkflow instance = t.startInstance(active());
    String before = json(instance.get());

    FerryRejection r = rejection(() -> instance.startMove(coldMigration("m1")));

    assertEquals(Reason.HOST_UNAVAILABLE, r.reason(), r.getMessage());
    assertTrue(r.getMessage().contains("is DOWN"), r.getMessage());
    InstanceRecord after = instance.get();
    assertEquals(before, json(after), "a refused move changed the record");
    assertFalse(after.isBusy());
    assertNull(after.lastError);
    assertFalse(moveExists("m1"), "a refused move started a move workflow");
    String wf = Names.instanceWorkflowId(ID);
    assertEquals(
        0,
        FerryTestEnv.count(t.history(wf), EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED),
        "the refusal failed a workflow task");
  }

  @Test
  void anAdmittedMoveStartsAfterThePreflightWasAskedAboutIt() {
    when(t.preflight.check(any())).thenReturn(H2);
    when(t.hypervisor(H2).checkGuestCpu(any())).thenReturn("identical");
    InstanceWorkflow instance = t.startInstance(active());

    assertEquals("move:m1", instance.startMove(resize("m1", "m1.medium", H2)));

    ArgumentCaptor<MovePreflight> asked = ArgumentCaptor.forClass(MovePreflight.class);
    verify(t.preflight).check(asked.capture());
    MovePreflight p = asked.getValue();
    assertEquals(MoveType.RESIZE, p.type());
    assertEquals(ID, p.instanceId());
    assertEquals(FerryTestEnv.H1, p.source());
    assertEquals(H2, p.destHost());
    assertEquals("m1.medium", p.flavor().name(), "the flavor the move places");
    verify(t.hypervisor(H2)).checkGuestCpu(active().domainXml);
    assertTrue(instance.get().isBusy());
    assertTrue(moveExists("m1"));
  }

  @Test
  void aDestinationThatCannotRunTheGuestsCpuRefusesTheMoveBeforeAnythingStops() {
    when(t.preflight.check(any())).thenReturn(H2);
    when(t.hypervisor(H2).checkGuestCpu(any()))
        .thenThrow(
            new FerryRejection(
                    Reason.HYPERVISOR_INCOMPATIBLE,
                    "this host cannot run the guest's CPU: libvirt says incompatible")
                .toFailure());
    InstanceWorkflow instance = t.startInstance(active());
    String before = json(instance.get());

    FerryRejection r = rejection(() -> instance.startMove(coldMigration("m1")));

    assertEquals(Reason.HYPERVISOR_INCOMPATIBLE, r.reason(), r.getMessage());
    assertEquals(before, json(instance.get()), "a refused move changed the record");
    assertFalse(moveExists("m1"));
    verify(t.hypervisor(FerryTestEnv.H1), never()).powerOff(any(), anyInt());
  }

  @Test
  void aPreflightThatCannotBeMadeIsRefusedAsUnreachableAndStartsNothing() {
    doThrow(ApplicationFailure.newNonRetryableFailure("placement does not answer", "Broken"))
        .when(t.preflight)
        .check(any());
    InstanceWorkflow instance = t.startInstance(active());

    FerryRejection r = rejection(() -> instance.startMove(coldMigration("m1")));

    assertEquals(Reason.UNREACHABLE, r.reason(), r.getMessage());
    assertTrue(r.getMessage().contains("nothing was started"), r.getMessage());
    assertFalse(instance.get().isBusy());
    assertFalse(moveExists("m1"));
  }
}
