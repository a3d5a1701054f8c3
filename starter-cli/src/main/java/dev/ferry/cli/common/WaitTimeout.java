package dev.ferry.cli.common;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --wait-timeout} with its 30-minute default, for the commands whose {@code --wait} follows
 * a cold move or an evacuation, or waits for a resize decision to let go (a picocli mixin).
 */
public final class WaitTimeout {
  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      defaultValue = "30m",
      converter = Durations.class,
      description = "How long --wait waits (default: ${DEFAULT-VALUE}; 90s, 30m, 1h, 7d).")
  Duration duration;

  /**
   * @throws FerryRejection INVALID_ARGUMENT for a zero timeout: commands ask in {@code validate()},
   *     so a wait that could never succeed starts nothing
   */
  public Duration get() {
    if (duration.isZero() || duration.isNegative()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "the timeout must be positive");
    }
    return duration;
  }
}
