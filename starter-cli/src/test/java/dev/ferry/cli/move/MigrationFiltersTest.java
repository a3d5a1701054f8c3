package dev.ferry.cli.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** {@code migration list --since}: durations back from now, ISO-8601 times and dates. */
class MigrationFiltersTest {
  private static final Instant NOW = Instant.parse("2026-05-10T12:00:00Z");

  @Test
  void aDurationCountsBackFromNow() {
    assertEquals(NOW.minusSeconds(45), MigrationFilters.since("45s", NOW));
    assertEquals(NOW.minus(Duration.ofMinutes(30)), MigrationFilters.since("30m", NOW));
    assertEquals(NOW.minus(Duration.ofHours(2)), MigrationFilters.since("2h", NOW));
    assertEquals(NOW.minus(Duration.ofDays(1)), MigrationFilters.since("1d", NOW));
    assertEquals(NOW.minus(Duration.ofDays(14)), MigrationFilters.since("2W", NOW));
    assertEquals(NOW.minus(Duration.ofMinutes(90)), MigrationFilters.since("1h30m", NOW));
    assertEquals(NOW.minusSeconds(30), MigrationFilters.since("30", NOW), "bare: seconds");
  }

  @Test
  void anIsoTimeIsTakenAsItIsAndADateIsMidnightUtc() {
    assertEquals(
        Instant.parse("2026-05-01T12:00:00Z"), MigrationFilters.since("2026-05-01T12:00:00Z", NOW));
    assertEquals(
        Instant.parse("2026-05-01T10:00:00Z"),
        MigrationFilters.since("2026-05-01T12:00:00+02:00", NOW));
    assertEquals(Instant.parse("2026-05-01T00:00:00Z"), MigrationFilters.since("2026-05-01", NOW));
  }

  @Test
  void anythingElseIsRefused() {
    for (String bad : List.of("yesterday", "m30", "1.5h", "-2h", "2 h", "2026-05-01T12:00", "1y")) {
      TypeConversionException e =
          assertThrows(TypeConversionException.class, () -> MigrationFilters.since(bad, NOW));
      assertEquals(
          "'"
              + bad
              + "' is neither a duration (90s, 30m, 1h, 7d, 2w, 1h30m; a bare number is seconds)"
              + " nor an ISO-8601 time"
              + " (2026-05-01T12:00:00Z, 2026-05-01)",
          e.getMessage());
    }
  }
}
