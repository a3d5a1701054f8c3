package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryClientOptions;
import dev.ferry.client.FerryFailure;
import dev.ferry.client.NoAnswer;
import dev.ferry.client.WaitTimedOut;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Parsing and exit statuses, without any server. */
class CommandLineParsingTest {

  private static void assertUsageError(String expected, String... args) {
    Cli.Result r = Cli.run(Cli::neverConnect, args);
    assertEquals(ExitStatus.USAGE, r.exit(), r.toString());
    assertTrue(r.err().startsWith("ferry: error: "), r.toString());
    assertTrue(r.err().contains(expected), r.toString());
    assertEquals("", r.out(), r.toString());
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertUsageError("Unmatched argument at index 0: 'frobnicate'", "frobnicate");
  }

  @Test
  void aMissingRequiredOptionIsAUsageError() {
    assertUsageError(
        "Missing required option: '--flavor=FLAVOR'", "server", "create", "--name", "x");
    assertUsageError("Missing required option: '--flavor=FLAVOR'", "resize", "web1");
    assertUsageError("Missing required parameter: 'SERVER'", "migrate");
    assertUsageError("Missing required parameters: 'HOST', 'DOMAIN'", "server", "adopt");
  }

  @Test
  void aGroupWithoutSubcommandOrNoCommandAtAllIsAUsageError() {
    assertUsageError("missing subcommand: one of list, show, enable", "host");
    assertUsageError("missing subcommand: one of create, list, show, adopt, delete", "server");
    assertUsageError("missing command");
  }

  @Test
  void badOptionValuesAreUsageErrors() {
    assertUsageError("--output", "--output", "yaml", "host", "list");
    assertUsageError("--confirm-window", "migrate", "web1", "--confirm-window", "soon");
  }

  @Test
  void helpAndVersionExitZero() {
    Cli.Result help = Cli.run(Cli::neverConnect, "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("resize-confirm"), help.out());
    Cli.Result sub = Cli.run(Cli::neverConnect, "migrate", "--help");
    assertEquals(0, sub.exit());
    assertTrue(sub.out().contains("--confirm-window"), sub.out());
    Cli.Result version = Cli.run(Cli::neverConnect, "--version");
    assertEquals(0, version.exit());
    assertTrue(version.out().startsWith("ferry "), version.out());
  }

  @Test
  void globalOptionsWorkBeforeAndAfterTheSubcommand() {
    AtomicReference<FerryClientOptions> seen = new AtomicReference<>();
    java.util.function.Function<FerryClientOptions, FerryClient> capture =
        o -> {
          seen.set(o);
          throw new FerryRejection(FerryRejection.Reason.UNREACHABLE, "stop here");
        };
    Cli.run(capture, "--target", "t1:7233", "host", "list", "--namespace", "ns1");
    assertEquals("t1:7233", seen.get().target());
    assertEquals("ns1", seen.get().namespace());
    Cli.run(capture, "host", "list", "--target", "t2:7233");
    assertEquals("t2:7233", seen.get().target());
  }

  @Test
  void anUnreachableTemporalExitsSixWithOneLine() {
    Cli.Result r =
        Cli.run(
            o -> {
              throw new FerryRejection(
                  FerryRejection.Reason.UNREACHABLE,
                  "cannot reach Temporal at " + o.target() + ": refused; pass --target");
            },
            "--target",
            "localhost:1",
            "server",
            "list");
    assertEquals(ExitStatus.UNREACHABLE, r.exit());
    assertEquals(
        "ferry: error: cannot reach Temporal at localhost:1: refused; pass --target\n", r.err());
    assertEquals("", r.out());
  }

  @Test
  void anyOtherFailureIsOneLineTooAndDebugAddsTheStackTrace() {
    java.util.function.Function<FerryClientOptions, FerryClient> boom =
        o -> {
          throw new IllegalStateException(
              "outer", new RuntimeException("first line\n  second line"));
        };
    Cli.Result quiet = Cli.run(boom, "host", "list");
    assertEquals(ExitStatus.FAILED, quiet.exit());
    assertEquals("ferry: error: first line; second line\n", quiet.err());

    Cli.Result debug = Cli.run(boom, true, "host", "list");
    assertEquals(ExitStatus.FAILED, debug.exit());
    assertTrue(debug.err().contains("java.lang.IllegalStateException: outer"), debug.err());
    assertTrue(debug.err().contains("\tat "), debug.err());
  }

  @Test
  void inputThatCannotBeRightIsRefusedBeforeConnecting() {
    Cli.Result name =
        Cli.run(Cli::neverConnect, "server", "create", "--name", "a b", "--flavor", "m1.tiny");
    assertEquals(ExitStatus.INVALID, name.exit(), name.toString());
    assertTrue(name.err().startsWith("ferry: error: invalid server name 'a b'"), name.toString());
    Cli.Result flavor = Cli.run(Cli::neverConnect, "resize", "web1", "--flavor", "huge");
    assertEquals(ExitStatus.NOT_FOUND, flavor.exit(), flavor.toString());
    assertTrue(flavor.err().startsWith("ferry: error: unknown flavor 'huge'"), flavor.toString());
    Cli.Result host = Cli.run(Cli::neverConnect, "host", "show", "../etc");
    assertEquals(ExitStatus.INVALID, host.exit(), host.toString());
  }

  @Test
  void anUnreachableTargetExitsSixQuickly() {
    long t0 = System.nanoTime();
    Cli.Result r = Cli.run(o -> FerryClient.connect(o), "--target", "localhost:1", "host", "list");
    assertEquals(ExitStatus.UNREACHABLE, r.exit(), r.toString());
    assertTrue(
        r.err().startsWith("ferry: error: cannot reach Temporal at localhost:1: "), r.toString());
    assertEquals(1, r.err().lines().count(), r.toString());
    assertTrue((System.nanoTime() - t0) / 1_000_000_000 < 10, "took too long");
  }

  @Test
  void helpPrintsTheExitStatusTable() {
    String help = Cli.run(Cli::neverConnect, "--help").out();
    assertTrue(help.contains("Exit status"), help);
    for (String line :
        List.of(
            "0   done",
            "1   accepted, then failed",
            "2   usage error",
            "3   not found",
            "4   refused in the current state",
            "5   invalid value",
            "6   Temporal, Ferry's conductor or a host could not be reached",
            "7   a wait timed out")) {
      assertTrue(help.contains(line), line + " in\n" + help);
    }
  }

  @Test
  void everyRefusalReasonHasItsStatus() {
    assertEquals(ExitStatus.INVALID, ExitStatus.of(Reason.INVALID_ARGUMENT));
    for (Reason r :
        List.of(
            Reason.UNKNOWN_FLAVOR,
            Reason.UNKNOWN_HOST,
            Reason.UNKNOWN_INSTANCE,
            Reason.UNKNOWN_IMAGE)) {
      assertEquals(ExitStatus.NOT_FOUND, ExitStatus.of(r), r.name());
    }
    for (Reason r :
        List.of(
            Reason.DUPLICATE_NAME,
            Reason.HOST_UNAVAILABLE,
            Reason.HOST_IN_USE,
            Reason.SAME_HOST,
            Reason.NO_VALID_HOST,
            Reason.INSUFFICIENT_CAPACITY,
            Reason.INSTANCE_BUSY,
            Reason.INVALID_STATE,
            Reason.NOTHING_PENDING,
            Reason.HYPERVISOR_INCOMPATIBLE,
            Reason.NOT_CONFIGURED,
            Reason.STALE_REPORT,
            Reason.NO_CHANGE)) {
      assertEquals(ExitStatus.CONFLICT, ExitStatus.of(r), r.name());
    }
    assertEquals(ExitStatus.UNREACHABLE, ExitStatus.of(Reason.UNREACHABLE));
    assertEquals(Reason.values().length, 19, "a new reason needs its place in the table above");
  }

  @Test
  void aRefusalWrappedInAnotherExceptionKeepsItsStatusAndAFailureIsOne() {
    RuntimeException wrapped =
        new RuntimeException(new FerryRejection(Reason.INSTANCE_BUSY, "busy"));
    assertEquals(ExitStatus.CONFLICT, ExitStatus.of(wrapped));
    assertEquals(ExitStatus.FAILED, ExitStatus.of(new FerryFailure("move failed")));
    assertEquals(ExitStatus.TIMED_OUT, ExitStatus.of(new WaitTimedOut("still migrating")));
    assertEquals(ExitStatus.UNREACHABLE, ExitStatus.of(new NoAnswer("no answer in time")));
    assertEquals(ExitStatus.FAILED, ExitStatus.of(new IllegalStateException("boom")));
  }

  @Test
  void javaUtilLoggingIsSilentUnlessDebugging() throws Exception {
    Logger grpc = Logger.getLogger("io.grpc.internal.ManagedChannelImpl");
    try {
      FerryCommand.quietJavaLogging(false);
      assertFalse(grpc.isLoggable(Level.WARNING), "gRPC's warnings are not printed");
      assertFalse(grpc.isLoggable(Level.SEVERE));
      LogManager.getLogManager().readConfiguration();
      FerryCommand.quietJavaLogging(true);
      assertTrue(grpc.isLoggable(Level.WARNING), "FERRY_DEBUG=1 keeps them");
    } finally {
      LogManager.getLogManager().readConfiguration();
    }
  }
}
