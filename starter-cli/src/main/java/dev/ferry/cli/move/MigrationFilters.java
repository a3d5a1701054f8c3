package dev.ferry.cli.move;

import dev.ferry.client.MigrationVocabulary;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.MoveType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The filters of {@code migration list} as picocli converters: bad values are usage errors (exit
 * 2), refused before connecting.
 */
final class MigrationFilters {
  private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhdw])");

  private MigrationFilters() {}

  /**
   * {@code --since}: a duration back from {@code now} ({@code 45s}, {@code 30m}, {@code 2h}, {@code
   * 1d}, {@code 2w}), an ISO-8601 instant ({@code 2026-05-01T12:00:00Z}, or with an offset), or a
   * date ({@code 2026-05-01}, midnight UTC).
   */
  static Instant since(String text, Instant now) {
    String s = text.trim();
    Matcher ago = AGO.matcher(s.toLowerCase(Locale.ROOT));
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(1));
      Duration back =
          switch (ago.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
          };
      return now.minus(back);
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException notATime) {
      // a date, or nothing we know
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException notADate) {
      throw new TypeConversionException(
          "'"
              + text
              + "' is neither a duration (30m, 2h, 1d, 2w) nor an ISO-8601 time"
              + " (2026-05-01T12:00:00Z, 2026-05-01)");
    }
  }

  static final class Since implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return since(value, Instant.now());
    }
  }

  /** {@code --type} in Nova's words. */
  static final class Type implements ITypeConverter<MoveType> {
    @Override
    public MoveType convert(String value) {
      try {
        return MigrationVocabulary.parseType(value);
      } catch (FerryRejection r) {
        throw new TypeConversionException(r.getMessage());
      }
    }
  }

  /** {@code --status} in any spelling, to Nova's. */
  static final class Status implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        return MigrationVocabulary.parseStatus(value);
      } catch (FerryRejection r) {
        throw new TypeConversionException(r.getMessage());
      }
    }
  }
}
