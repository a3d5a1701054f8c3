package dev.ferry.cli.common;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one syntax of a duration on the command line, for every option that takes one ({@code
 * --confirm-window}, {@code --wait-timeout}, {@code --timeout}, {@code --progress-timeout}, {@code
 * migration list --since}): a number with a unit, {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d},
 * {@code 2w}, or several ({@code 1h30m}); a bare number is seconds ({@code 3600}). A value it does
 * not read is a usage error (exit 2), refused before connecting.
 */
public final class Durations implements ITypeConverter<Duration> {
  /** What a usage error and an option's help show. */
  public static final String SYNTAX = "90s, 30m, 1h, 7d, 2w, 1h30m; a bare number is seconds";

  private static final Pattern SECONDS = Pattern.compile("\\d{1,12}");
  private static final Pattern PARTS = Pattern.compile("(?:\\d{1,9}[smhdw])+");
  private static final Pattern PART = Pattern.compile("(\\d{1,9})([smhdw])");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * The duration {@code text} says.
   *
   * @throws TypeConversionException when it is not a duration (picocli: a usage error)
   */
  public static Duration parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (SECONDS.matcher(s).matches()) {
      return Duration.ofSeconds(Long.parseLong(s));
    }
    if (!PARTS.matcher(s).matches()) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration: use a number with a unit (" + SYNTAX + ")");
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(s);
    while (part.find()) {
      long n = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
              });
    }
    return total;
  }
}
