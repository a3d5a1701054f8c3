package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryClientOptions;
import dev.ferry.model.FerryRejection;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Parsing and exit statuses, without any server. */
class CommandLineParsingTest {

  private static void assertUsageError(String expected, String... args) {
    Cli.Result r = Cli.run(Cli::neverConnect, args);
    assertEquals(FerryCommand.USAGE, r.exit(), r.toString());
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
  void aRefusalExitsOneWithOneLine() {
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
    assertEquals(FerryCommand.FAILED, r.exit());
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
    assertEquals(1, quiet.exit());
    assertEquals("ferry: error: first line; second line\n", quiet.err());

    Cli.Result debug = Cli.run(boom, true, "host", "list");
    assertEquals(1, debug.exit());
    assertTrue(debug.err().contains("java.lang.IllegalStateException: outer"), debug.err());
    assertTrue(debug.err().contains("\tat "), debug.err());
  }

  @Test
  void inputThatCannotBeRightIsRefusedBeforeConnecting() {
    Cli.Result name =
        Cli.run(Cli::neverConnect, "server", "create", "--name", "a b", "--flavor", "m1.tiny");
    assertEquals(1, name.exit(), name.toString());
    assertTrue(name.err().startsWith("ferry: error: invalid server name 'a b'"), name.toString());
    Cli.Result flavor = Cli.run(Cli::neverConnect, "resize", "web1", "--flavor", "huge");
    assertEquals(1, flavor.exit(), flavor.toString());
    assertTrue(flavor.err().startsWith("ferry: error: unknown flavor 'huge'"), flavor.toString());
    Cli.Result host = Cli.run(Cli::neverConnect, "host", "show", "../etc");
    assertEquals(1, host.exit(), host.toString());
  }

  @Test
  void anUnreachableTargetExitsOneQuickly() {
    long t0 = System.nanoTime();
    Cli.Result r = Cli.run(o -> FerryClient.connect(o), "--target", "localhost:1", "host", "list");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(
        r.err().startsWith("ferry: error: cannot reach Temporal at localhost:1: "), r.toString());
    assertEquals(1, r.err().lines().count(), r.toString());
    assertTrue((System.nanoTime() - t0) / 1_000_000_000 < 10, "took too long");
  }
}
