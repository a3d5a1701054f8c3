package dev.ferry.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ferry.client.RunningStep;
import dev.ferry.model.CopyProgress;
import dev.ferry.model.MoveType;
import dev.ferry.model.ShutdownWait;
import dev.ferry.model.ShutdownWait.GuestReadiness;
import dev.ferry.move.MoveView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a move's running step reads in {@code migration show} and in a followed move's line. */
class StepViewsTest {
  private static final Instant STARTED = Instant.parse("2026-12-07T10:00:00Z");
  private static final long MIB = 1 << 20;
  private static final MoveView VIEW =
      new MoveView(
          "m1", MoveType.COLD_MIGRATION, "i1", "h1", "h2", "migrating", false, List.of(), null);

  private static RunningStep step(String type, String words, int attempt, Instant started) {
    return new RunningStep(type, words, attempt, started, null, null, null);
  }

  @Test
  void aDiskCopyShowsItsHostsBytesRateAndTimeLeft() {
    CopyProgress copy = new CopyProgress(24 * MIB, 64 * MIB, 3_000);
    RunningStep s =
        new RunningStep("DiskCopyDisk", "copying the disk", 1, STARTED, copy, null, null);

    assertEquals(
        "copying the disk from h1 to h2: 24.0 of 64.0 MiB (37%), 8.0 MiB/s, 5 s left",
        StepViews.line(s, VIEW, STARTED.plusSeconds(3)));
    assertEquals(
        "[#######-------------] copying the disk from h1 to h2: 24.0 of 64.0 MiB (37%), 8.0"
            + " MiB/s, 5 s left",
        StepViews.bar(s, VIEW, STARTED.plusSeconds(3)));
  }

  @Test
  void aCopyWhoseTotalLibvirtDidNotSayShowsBytesAndRateOnly() {
    CopyProgress copy = new CopyProgress(2 * MIB, -1, 1_000);
    RunningStep s =
        new RunningStep("DiskCopyDisk", "copying the disk", 1, STARTED, copy, null, null);

    assertEquals(
        "copying the disk from h1 to h2: 2.0 MiB, 2.0 MiB/s", StepViews.line(s, VIEW, STARTED));
    assertEquals(StepViews.line(s, VIEW, STARTED), StepViews.bar(s, VIEW, STARTED));
  }

  @Test
  void aShutdownSaysWhatItWaitsForHowLongAndThatTheGuestIsStillBooting() {
    ShutdownWait wait = new ShutdownWait(12_400, 60, GuestReadiness.BOOTING, 3L);
    RunningStep s =
        new RunningStep("HypervisorPowerOff", "stopping the server", 1, STARTED, null, wait, null);

    assertEquals(
        "stopping the server: waiting for the guest to shut down (ACPI): 12 s of 60 s, then it"
            + " is powered off; the guest started 3 s ago and may still be booting (a guest acts"
            + " on ACPI only once its OS is up)",
        StepViews.line(s, VIEW, STARTED));
  }

  @Test
  void aShutdownOfAGuestWhoseOsIsUpSaysItHasNotActedOnAcpi() {
    ShutdownWait wait = new ShutdownWait(30_000, 60, GuestReadiness.IGNORING_ACPI, null);
    RunningStep s =
        new RunningStep("HypervisorPowerOff", "stopping the server", 1, STARTED, null, wait, null);

    assertEquals(
        "stopping the server: waiting for the guest to shut down (ACPI): 30 s of 60 s, then it"
            + " is powered off; the guest's OS is up but has not acted on ACPI",
        StepViews.line(s, VIEW, STARTED));
  }

  @Test
  void aStepWithoutProgressSaysHowLongItHasRunAndARetrySaysWhyTheLastFailed() {
    assertEquals(
        "defining the server (7 s)",
        StepViews.line(
            step("HypervisorDefine", "defining the server", 1, STARTED),
            VIEW,
            STARTED.plusSeconds(7)));
    RunningStep retry =
        new RunningStep(
            "HypervisorPowerOn",
            "starting the server",
            3,
            STARTED,
            null,
            null,
            "libvirt: internal error");
    assertEquals(
        "starting the server (0 s); attempt 3, the last one failed: libvirt: internal error",
        StepViews.line(retry, VIEW, STARTED));
  }

  @Test
  void aStepNoAgentHasTakenSaysItWaitsForTheAgent() {
    assertEquals(
        "copying the disk from h1 to h2: waiting for the host's agent to take it",
        StepViews.line(step("DiskCopyDisk", "copying the disk", 1, null), VIEW, STARTED));
  }

  @Test
  void theJsonCarriesEveryFigureTheLineShows() {
    CopyProgress copy = new CopyProgress(24 * MIB, 64 * MIB, 3_000);
    RunningStep s =
        new RunningStep("DiskCopyDisk", "copying the disk", 1, STARTED, copy, null, null);

    StepViews.StepJson json = StepViews.StepJson.of(s, VIEW, STARTED);

    assertEquals(24 * MIB, json.copiedBytes());
    assertEquals(64 * MIB, json.totalBytes());
    assertEquals(40 * MIB, json.remainingBytes());
    assertEquals(8 * MIB, json.bytesPerSecond());
    assertEquals(5L, json.etaSeconds());
    assertEquals(37, json.percent());
    assertEquals("2026-12-07T10:00:00Z", json.startedAt());
    assertNull(json.shutdown());
    assertEquals(StepViews.line(s, VIEW, STARTED), json.line());
  }
}
