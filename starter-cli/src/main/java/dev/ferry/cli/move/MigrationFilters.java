package dev.ferry.cli.move;

import dev.ferry.cli.common.Durations;
import dev.ferry.client.MigrationVocabulary;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.MoveType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The filters of {@code migration list} as picocli converters: bad values are usage errors (exit
 * 2), refused before connecting.
 */
final class MigrationFilters {
  private MigrationFilters() {}

  /**
   * {@code --since}: a duration back from {@code now} ({@link Durations}: {@code 45s}, {@code 30m},
   * {@code 2h}, {@code 1d}, {@code 2w}), an ISO-8601 instant ({@code 2026-05-01T12:00:00Z}, or with
   * an offset), or a date ({@code 2026-05-01}, midnight UTC).
   */
  static Instant since(String text, Instant now) {
    String s = text.trim();
    try {
      return now.minus(Durations.parse(s));
    } catch (TypeConversionException notADuration) {
      // a time, a date, or nothing we know
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
              + "' is neither a duration ("
              + Durations.SYNTAX
              + ") nor an ISO-8601 time (2026-05-01T12:00:00Z, 2026-05-01)");
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
