package dev.ferry.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.Cli;
import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FerryCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/** The one duration syntax, and that every option taking a duration reads it. */
class DurationsTest {

  @Test
  void aNumberWithAUnitOrSeveralOrABareNumberOfSeconds() {
    assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofDays(7), Durations.parse("7d"));
    assertEquals(Duration.ofDays(14), Durations.parse("2w"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofHours(2), Durations.parse(" 2H "));
    assertEquals(Duration.ofSeconds(3600), Durations.parse("3600"));
    assertEquals(Duration.ZERO, Durations.parse("0"));
  }

  @Test
  void anythingElseIsRefusedSayingWhatWouldDo() {
    for (String bad : List.of("", "soon", "1.5h", "-2h", "2 h", "h", "1y", "PT1H", "1h-30m")) {
      TypeConversionException e =
          assertThrows(TypeConversionException.class, () -> Durations.parse(bad), bad);
      assertEquals(
          "'"
              + bad
              + "' is not a duration: use a number with a unit (90s, 30m, 1h, 7d, 2w, 1h30m; a"
              + " bare number is seconds)",
          e.getMessage());
    }
  }

  @Test
  void everyOptionThatTakesADurationReadsThisSyntax() {
    CommandLine root = FerryCommand.commandLine(new FerryCommand(Cli::neverConnect, false));
    List<String> seen = new ArrayList<>();
    collect(root, seen);
    assertTrue(
        seen.containsAll(
            List.of(
                "ferry migrate --confirm-window",
                "ferry migrate --wait-timeout",
                "ferry resize --confirm-window",
                "ferry resize-confirm --wait-timeout",
                "ferry resize-revert --wait-timeout",
                "ferry live-migrate --progress-timeout",
                "ferry live-migrate --wait-timeout",
                "ferry evacuate --wait-timeout",
                "ferry host drain --wait-timeout",
                "ferry host evacuate --wait-timeout",
                "ferry migration cancel --wait-timeout",
                "ferry server create --timeout",
                "ferry server adopt --timeout")),
        seen.toString());
  }

  /** Every Duration option of {@code cl} and its subcommands uses {@link Durations}. */
  private static void collect(CommandLine cl, List<String> seen) {
    for (OptionSpec o : cl.getCommandSpec().options()) {
      if (o.type() == Duration.class) {
        String name = cl.getCommandSpec().qualifiedName() + " " + o.longestName();
        assertEquals(1, o.converters().length, name);
        assertTrue(o.converters()[0] instanceof Durations, name + " reads Durations' syntax");
        seen.add(name);
      }
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getCommandSpec().name().equals("help")) {
        collect(sub, seen);
      }
    }
  }

  @Test
  void theReadmesConfirmWindowOfAnHourParses() {
    CommandLine cl = FerryCommand.commandLine(new FerryCommand(Cli::neverConnect, false));
    ParseResult r = cl.parseArgs("migrate", "web1", "--confirm-window", "1h", "--wait");
    ParseResult migrate = r.subcommand();
    assertEquals(Duration.ofHours(1), migrate.matchedOptionValue("--confirm-window", null));
    assertFalse(migrate.hasMatchedOption("--wait-timeout"));
    assertEquals(
        Duration.ofMinutes(30),
        migrate.commandSpec().findOption("--wait-timeout").getValue(),
        "the default, read by the same parser");
  }

  @Test
  void aBadDurationIsAUsageErrorBeforeConnecting() {
    Cli.Result r = Cli.run(Cli::neverConnect, "migrate", "web1", "--confirm-window", "an hour");
    assertEquals(ExitStatus.USAGE, r.exit(), r.toString());
    assertTrue(
        r.err().contains("'an hour' is not a duration: use a number with a unit"), r.toString());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("ferry: error:")).count());
  }
}
