package dev.ferry.cli.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.Cli;
import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.client.FerryClient;
import dev.ferry.client.fakes.FakeLiveMigration;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.VmState;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ferry live-migrate --wait}, {@code live-migration abort} and {@code force-complete}
 * against an in-process Temporal with fake entities and a fake live migration ({@link
 * FakeLiveMigration}): what is printed, and the exit status. Under the test runner stdout is no
 * terminal, so progress comes as plain lines.
 */
@Timeout(60)
class LiveMigrationCommandsTest extends FakeClusterTest {

  @Test
  void waitFollowsACompletedMigrationWithProgressLinesAndExitsZero() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    Cli.Result r = ferry("live-migrate", "web1", "--host", "b", "--wait");

    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    assertEquals("", r.err(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertEquals(
        List.of(
            "status: queued",
            "status: preparing (slot-granted)",
            "status: running (job-started)",
            "status: post-migrating (switched-over)",
            "status: completed (post-done)"),
        lines.stream().filter(l -> l.startsWith("status: ")).toList(),
        r.toString());
    List<String> progress = lines.stream().filter(l -> l.startsWith("  running ")).toList();
    assertFalse(progress.isEmpty(), r.toString());
    assertTrue(
        progress.get(0).startsWith("  running  47%  iteration 2  120/256 MiB  remaining 136 MiB"),
        r.toString());
    assertTrue(
        lines.indexOf(progress.get(0)) > lines.indexOf("status: running (job-started)"),
        "progress follows the running status: " + r);
    assertFalse(r.out().contains("\r") || r.out().contains("\033"), "no terminal bar: " + r);
    assertEquals(
        "server web1 now runs on b (job 640 ms, downtime 35 ms)",
        lines.get(lines.size() - 1),
        r.toString());
    awaitTrue(() -> "b".equals(server("web1").host), "the record on b");

    Cli.Result show = ferry("migration", "show", "web1");
    assertEquals(ExitStatus.OK, show.exit(), show.toString());
    String options =
        show.out()
            .lines()
            .filter(l -> l.startsWith("Options:"))
            .map(l -> l.substring("Options:".length()).strip())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Options line: " + show));
    assertEquals(
        "block-migrate auto, bandwidth unlimited, max downtime 500 ms, completion timeout 800"
            + " s/GiB (abort), progress timeout 150 s, auto-converge off, post-copy off, max"
            + " retries 3, queue timeout 3600 s",
        options);
  }

  @Test
  void aValueNotYetResolvedShowsAsDefault() {
    assertEquals(
        "block-migrate default, bandwidth 40 MiB/s, max downtime default, completion timeout"
            + " default (default), progress timeout default, auto-converge default, post-copy"
            + " permitted, max retries default, queue timeout default",
        LiveViews.options(
            new LiveMigrationOptions(null, 40L, null, null, null, null, null, true, null, null)));
  }

  @Test
  void waitOnAFailedMigrationExitsOneWithItsReason() {
    ferry.server("doomed1", "m1.small", "a", VmState.ACTIVE);

    Cli.Result r = ferry("live-migrate", "doomed1", "--host", "b", "--wait");

    assertRefused(
        r, ExitStatus.FAILED, "of server doomed1 ended failed: live migration of doomed1 failed: ");
    assertTrue(r.err().contains(FakeLiveMigration.JOB_ERROR), r.toString());
    assertTrue(r.err().contains("see 'ferry migration show "), r.toString());
    assertTrue(r.out().contains("status: failed (rolled-back)"), r.toString());
    assertFalse(r.out().contains("now runs on"), r.toString());
  }

  @Test
  void abortEndsAWaitedMigrationCancelledAndTheWaitExitsOne() throws Exception {
    ferry.server("hold1", "m1.small", "a", VmState.ACTIVE);
    CompletableFuture<Cli.Result> waiting =
        CompletableFuture.supplyAsync(() -> ferry("live-migrate", "hold1", "--wait"));
    awaitTrue(() -> "running".equals(server("hold1").currentMoveStatus), "hold1 running");

    Cli.Result abort = ferry("live-migration", "abort", "hold1");

    assertEquals(ExitStatus.OK, abort.exit(), abort.toString());
    assertEquals("", abort.err(), abort.toString());
    assertTrue(
        abort
            .out()
            .matches(
                "(?s)live migration \\S+ of server hold1 is cancelled: the server stays on a\\R"),
        abort.toString());
    Cli.Result waited = waiting.get(30, TimeUnit.SECONDS);
    assertRefused(waited, ExitStatus.FAILED, "of server hold1 was cancelled by ");
    assertTrue(waited.err().contains(": the server stays on a"), waited.toString());
    assertTrue(waited.out().contains("status: cancelled (aborted) by "), waited.toString());
  }

  @Test
  void abortWithNoLiveMigrationRunningIsRefused() {
    ferry.server("web2", "m1.small", "a", VmState.ACTIVE);

    assertRefused(
        ferry("live-migration", "abort", "web2"),
        ExitStatus.CONFLICT,
        "server web2 has no live migration in progress");
    assertRefused(
        ferry("live-migration", "force-complete", "web2"),
        ExitStatus.CONFLICT,
        "server web2 has no live migration in progress");
  }

  @Test
  void abortInPostCopyIsRefusedAndTheMigrationGoesOn() {
    ferry.server("postcopy1", "m1.small", "a", VmState.ACTIVE);
    Cli.Result started = ferry("live-migrate", "postcopy1", "--host", "b");
    assertEquals(ExitStatus.OK, started.exit(), started.toString());
    awaitTrue(
        () -> "running-post-copy".equals(server("postcopy1").currentMoveStatus),
        "postcopy1 in post-copy");

    Cli.Result r = ferry("live-migration", "abort", "postcopy1");

    assertRefused(r, ExitStatus.CONFLICT, "is in post-copy: the guest already runs on b");
    assertEquals("", r.out(), r.toString());
    assertEquals("running-post-copy", server("postcopy1").currentMoveStatus);
    assertRefused(
        ferry("live-migration", "force-complete", "postcopy1"),
        ExitStatus.CONFLICT,
        "only a running live migration can be forced to complete");
  }

  @Test
  void forceCompleteMakesAHeldMigrationComplete() {
    ferry.server("hold2", "m1.small", "a", VmState.ACTIVE);
    Cli.Result started = ferry("live-migrate", "hold2", "--host", "b");
    assertEquals(ExitStatus.OK, started.exit(), started.toString());
    assertTrue(started.out().contains("of server hold2 to b is "), started.toString());
    awaitTrue(() -> "running".equals(server("hold2").currentMoveStatus), "hold2 running");

    Cli.Result r = ferry("live-migration", "force-complete", "hold2");

    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    assertEquals("", r.err(), r.toString());
    assertTrue(
        r.out()
            .matches(
                "(?s)live migration \\S+ of server hold2 forced to complete: suspend by .+; follow it with: ferry migration show \\S+\\R"),
        r.toString());
    awaitTrue(() -> "b".equals(server("hold2").host), "hold2 on b");
  }

  private InstanceRecord server(String name) {
    try (FerryClient client = ferry.client()) {
      return client.servers().get(name);
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what);
  }
}
