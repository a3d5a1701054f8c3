package dev.ferry.cli.move;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by {@code migrate} and {@code resize} (a picocli mixin). */
public final class MoveOptions {
  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Destination host (default: the scheduler picks).")
  String host;

  @Option(
      names = "--confirm-window",
      paramLabel = "SECONDS",
      description =
          "Auto-confirm after this many seconds in VERIFY_RESIZE (default: the cluster's;"
              + " 0 waits for 'ferry resize-confirm').")
  Long confirmWindowSeconds;

  @Option(
      names = "--wait",
      description = "Wait until the move reaches VERIFY_RESIZE (finished) or fails.")
  boolean await;

  @Option(
      names = "--wait-timeout",
      paramLabel = "SECONDS",
      defaultValue = "1800",
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  long waitTimeoutSeconds;

  Duration confirmWindow() {
    return confirmWindowSeconds == null ? null : Duration.ofSeconds(confirmWindowSeconds);
  }
}
