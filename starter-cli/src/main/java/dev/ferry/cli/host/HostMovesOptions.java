package dev.ferry.cli.host;

import dev.ferry.cli.common.Durations;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * What {@code host drain} and {@code host evacuate} share: start one (the default), or {@code
 * --show} the running or last one, or {@code --cancel} the running one; {@code --wait} follows it
 * to its end (a picocli mixin).
 */
public final class HostMovesOptions {
  @Option(
      names = "--show",
      description =
          "Start nothing: show the running or last run's progress (with --wait, follow it to its"
              + " end).")
  boolean show;

  @Option(
      names = "--cancel",
      description =
          "Cancel the running one: it starts no further move; moves it started go on. Answers"
              + " once it has ended (within --wait-timeout).")
  boolean cancel;

  @Option(names = "--wait", description = "Wait until every server is handled.")
  boolean await;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      defaultValue = "2h",
      converter = Durations.class,
      description = "How long --wait or --cancel waits (default: ${DEFAULT-VALUE}; 90s, 30m, 1h).")
  Duration waitTimeout;
}
