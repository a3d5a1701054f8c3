package dev.ferry.cli.move;

import dev.ferry.cli.common.Durations;
import dev.ferry.cli.common.WaitTimeout;
import java.time.Duration;
import picocli.CommandLine.Mixin;
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
      paramLabel = "DURATION",
      converter = Durations.class,
      description =
          "Auto-confirm after this long in VERIFY_RESIZE (90s, 30m, 1h, 7d; default: the"
              + " cluster's; 0 waits for 'ferry resize-confirm').")
  Duration confirmWindow;

  @Option(
      names = "--wait",
      description = "Wait until the move reaches VERIFY_RESIZE (finished) or fails.")
  boolean await;

  @Mixin WaitTimeout waitTimeout;

  /** Refuses what the options cannot do before anything starts (a zero wait timeout). */
  void validate() {
    waitTimeout.get();
  }
}
