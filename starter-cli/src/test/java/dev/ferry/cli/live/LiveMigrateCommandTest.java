package dev.ferry.cli.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FerryCommand;
import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryClientOptions;
import dev.ferry.live.JobProgress;
import dev.ferry.model.BlockMigration;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.TimeoutAction;
import dev.ferry.statemachine.StateMachine.Change;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code live-migrate} and {@code live-migration}: parsing, refusals before connecting, views. */
class LiveMigrateCommandTest {

  private record Result(int exit, String out, String err) {}

  private static FerryClient neverConnect(FerryClientOptions options) {
    throw new AssertionError("connected although the command line was invalid");
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl =
        FerryCommand.commandLine(new FerryCommand(LiveMigrateCommandTest::neverConnect, false));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void aMissingServerOrSubcommandIsAUsageError() {
    Result r = run("live-migrate");
    assertEquals(ExitStatus.USAGE, r.exit(), r.err());
    assertTrue(r.err().contains("Missing required parameter: 'SERVER'"), r.err());
    Result group = run("live-migration");
    assertEquals(ExitStatus.USAGE, group.exit(), group.err());
    assertTrue(group.err().contains("abort, force-complete"), group.err());
  }

  @Test
  void badOptionsAreRefusedBeforeConnecting() {
    Result block = run("live-migrate", "web1", "--block-migrate", "maybe");
    assertEquals(ExitStatus.INVALID, block.exit(), block.err());
    assertTrue(block.err().contains("auto, true or false"), block.err());
    Result bandwidth = run("live-migrate", "web1", "--bandwidth", "-5");
    assertEquals(ExitStatus.INVALID, bandwidth.exit(), bandwidth.err());
    assertTrue(bandwidth.err().contains("bandwidth cannot be negative"), bandwidth.err());
    Result action = run("live-migrate", "web1", "--timeout-action", "explode");
    assertEquals(ExitStatus.INVALID, action.exit(), action.err());
    assertTrue(action.err().contains("abort or force-complete"), action.err());
    Result host = run("live-migrate", "web1", "--host", "bad host!");
    assertEquals(ExitStatus.INVALID, host.exit(), host.err());
  }

  @Test
  void optionsMapToTheRequest() {
    LiveMigrateCommand cmd = new LiveMigrateCommand();
    new CommandLine(cmd)
        .parseArgs(
            "web1",
            "--block-migrate",
            "TRUE",
            "--bandwidth",
            "40",
            "--max-downtime",
            "300",
            "--completion-timeout",
            "10",
            "--timeout-action",
            "force-complete",
            "--progress-timeout",
            "0",
            "--post-copy",
            "--no-auto-converge",
            "--max-retries",
            "2");
    assertEquals(
        new LiveMigrationOptions(
            BlockMigration.TRUE,
            40L,
            300L,
            10L,
            TimeoutAction.FORCE_COMPLETE,
            0L,
            false,
            true,
            2,
            null),
        cmd.options());
    LiveMigrateCommand plain = new LiveMigrateCommand();
    new CommandLine(plain).parseArgs("web1");
    assertEquals(LiveMigrationOptions.NONE, plain.options());
  }

  @Test
  void helpListsTheCommands() {
    Result help = run("--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("live-migrate"), help.out());
    assertTrue(help.out().contains("live-migration"), help.out());
    Result sub = run("live-migrate", "--help");
    assertTrue(sub.out().contains("--block-migrate"), sub.out());
  }

  @Test
  void progressIsShownAsALineOrABar() {
    JobProgress p =
        new JobProgress(
            true,
            0,
            "running",
            8100,
            256L << 20,
            120L << 20,
            136L << 20,
            0,
            0,
            0,
            136L << 20,
            16L << 20,
            2,
            4000,
            9L,
            false,
            null,
            null);
    assertEquals(
        "running  47%  iteration 2  120/256 MiB  remaining 136 MiB  rate 16.0 MiB/s  ETA 9 s"
            + "  elapsed 8.1 s",
        LiveViews.line(p));
    assertTrue(LiveViews.bar(p).startsWith("[###########-------------] running"), LiveViews.bar(p));
    assertEquals("starting  elapsed 0.0 s  (go)", LiveViews.line(JobProgress.starting(0, "go")));
    assertEquals(
        "status: running (job-started)",
        dev.ferry.cli.follow.ProgressLines.statusLine(
            new Change("PREPARING", "JOB_STARTED", "RUNNING", 1, "ferry")));
    assertEquals(
        "status: cancelled (aborted) by bob",
        dev.ferry.cli.follow.ProgressLines.statusLine(
            new Change("RUNNING", "ABORTED", "CANCELLED", 1, "bob")));
  }
}
