package dev.ferry.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Nova's derived status: the vm state, overridden by the task under way as Nova's API does. */
class ServerStatusTest {

  @Test
  void idleServersShowTheirVmStateInNovasWords() {
    assertEquals(ServerStatus.ACTIVE, ServerStatus.of(VmState.ACTIVE, TaskState.NONE));
    assertEquals(ServerStatus.SHUTOFF, ServerStatus.of(VmState.STOPPED, TaskState.NONE));
    assertEquals(ServerStatus.PAUSED, ServerStatus.of(VmState.PAUSED, TaskState.NONE));
    assertEquals(ServerStatus.SUSPENDED, ServerStatus.of(VmState.SUSPENDED, TaskState.NONE));
    assertEquals(ServerStatus.VERIFY_RESIZE, ServerStatus.of(VmState.RESIZED, TaskState.NONE));
    assertEquals(ServerStatus.ERROR, ServerStatus.of(VmState.ERROR, TaskState.NONE));
    assertEquals(ServerStatus.BUILD, ServerStatus.of(VmState.BUILDING, TaskState.SPAWNING));
    assertEquals(ServerStatus.DELETED, ServerStatus.of(VmState.DELETED, TaskState.NONE));
  }

  @Test
  void aTaskUnderWayNamesTheMove() {
    assertEquals(ServerStatus.RESIZE, ServerStatus.of(VmState.ACTIVE, TaskState.RESIZE_PREP));
    assertEquals(ServerStatus.RESIZE, ServerStatus.of(VmState.STOPPED, TaskState.RESIZE_FINISH));
    assertEquals(ServerStatus.MIGRATING, ServerStatus.of(VmState.ACTIVE, TaskState.MIGRATING));
    assertEquals(ServerStatus.MIGRATING, ServerStatus.of(VmState.PAUSED, TaskState.MIGRATING));
    assertEquals(ServerStatus.REBUILD, ServerStatus.of(VmState.ERROR, TaskState.REBUILDING));
    assertEquals(ServerStatus.REBUILD, ServerStatus.of(VmState.ACTIVE, TaskState.REBUILDING));
    assertEquals(
        ServerStatus.REVERT_RESIZE, ServerStatus.of(VmState.RESIZED, TaskState.RESIZE_REVERTING));
    assertEquals(
        ServerStatus.VERIFY_RESIZE, ServerStatus.of(VmState.RESIZED, TaskState.RESIZE_CONFIRMING));
  }

  @Test
  void everyGuestStateMapsToTheStatusAnOperatorExpects() {
    assertEquals(ServerStatus.ACTIVE, status(GuestState.RUNNING));
    assertEquals(ServerStatus.PAUSED, status(GuestState.PAUSED));
    assertEquals(ServerStatus.SUSPENDED, status(GuestState.PM_SUSPENDED));
    assertEquals(ServerStatus.SHUTOFF, status(GuestState.SHUT_OFF));
    assertEquals(ServerStatus.SUSPENDED, status(GuestState.SAVED));
    assertEquals(ServerStatus.ERROR, status(GuestState.CRASHED));
    assertEquals(ServerStatus.ERROR, status(GuestState.MISSING));
  }

  @Test
  void viewsRecordedBeforeTheGuestStateDeriveItFromThePowerState() {
    DomainView old = new DomainView(true, "u", "n", PowerState.PAUSED, 1, 1, "u", 0, null, null);
    assertEquals(GuestState.PAUSED, old.guest());
    assertEquals(GuestState.MISSING, DomainView.absent("u").guest());
    assertEquals(GuestState.SHUT_OFF, GuestState.of(true, PowerState.SHUTDOWN));
  }

  private static ServerStatus status(GuestState state) {
    return ServerStatus.of(state.vmState(), TaskState.NONE);
  }
}
