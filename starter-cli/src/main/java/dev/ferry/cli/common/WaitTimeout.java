package dev.ferry.cli.common;

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

  public Duration get() {
    return duration;
  }
}
