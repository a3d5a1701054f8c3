package dev.ferry.cli.common;

import dev.ferry.client.RunningStep;
import dev.ferry.model.CopyProgress;
import dev.ferry.model.ShutdownWait;
import dev.ferry.move.MoveView;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A move's running step in words: {@code migration show}'s "Step" row and the line a followed move
 * updates ({@code --wait}). A disk copy shows bytes, rate and time left; a graceful shutdown what
 * it waits for and how long.
 */
public final class StepViews {
  private static final int BAR = 20;

  private StepViews() {}

  /**
   * What the step does now, e.g. {@code copying the disk from h1 to h2: 24.0 of 64.0 MiB (37%), 8.0
   * MiB/s, 5 s left}.
   *
   * @param now the time against which a step without progress says how long it has run
   */
  public static String line(RunningStep s, MoveView v, Instant now) {
    StringBuilder b = new StringBuilder(s.step());
    if ("DiskCopyDisk".equals(s.activityType()) && v != null) {
      b.append(" from ").append(v.sourceHost()).append(" to ").append(v.destHost());
    }
    if (s.waitingForAgent()) {
      b.append(": waiting for the host's agent to take it");
    } else if (s.copy() != null) {
      b.append(": ").append(copied(s.copy()));
    } else if (s.shutdown() != null) {
      b.append(": ").append(s.shutdown().describe());
    } else if (s.startedAt() != null) {
      long seconds = Math.max(0, Duration.between(s.startedAt(), now).toSeconds());
      b.append(" (").append(seconds).append(" s)");
    }
    if (s.attempt() > 1) {
      b.append("; attempt ").append(s.attempt());
      if (s.lastFailure() != null) {
        b.append(", the last one failed: ").append(s.lastFailure());
      }
    }
    return b.toString();
  }

  /** On a terminal: the line behind a bar when the step knows how far it is. */
  public static String bar(RunningStep s, MoveView v, Instant now) {
    Integer percent = s.copy() == null ? null : s.copy().percent();
    if (percent == null) {
      return line(s, v, now);
    }
    int filled = percent * BAR / 100;
    return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + line(s, v, now);
  }

  /**
   * {@code 24.0 of 64.0 MiB (37%), 8.0 MiB/s, 5 s left}; the parts libvirt did not say left out.
   */
  static String copied(CopyProgress c) {
    StringBuilder b = new StringBuilder(mib(c.copiedBytes()));
    if (c.totalBytes() >= 0) {
      b.append(" of ")
          .append(mib(c.totalBytes()))
          .append(" MiB (")
          .append(c.percent())
          .append("%)");
    } else {
      b.append(" MiB");
    }
    b.append(", ").append(mib(c.bytesPerSecond())).append(" MiB/s");
    if (c.etaSeconds() != null) {
      b.append(", ").append(c.etaSeconds()).append(" s left");
    }
    return b.toString();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }

  /** What {@code --output json} carries of the step: every figure the line shows. */
  public record StepJson(
      String step,
      String activityType,
      int attempt,
      String startedAt,
      String lastFailure,
      Long copiedBytes,
      Long totalBytes,
      Long remainingBytes,
      Long bytesPerSecond,
      Long etaSeconds,
      Integer percent,
      ShutdownWait shutdown,
      Long shutdownSecondsLeft,
      String line) {

    public static StepJson of(RunningStep s, MoveView v, Instant now) {
      CopyProgress c = s.copy();
      boolean copying = c != null;
      return new StepJson(
          s.step(),
          s.activityType(),
          s.attempt(),
          s.startedAt() == null ? null : s.startedAt().toString(),
          s.lastFailure(),
          copying ? c.copiedBytes() : null,
          copying && c.totalBytes() >= 0 ? c.totalBytes() : null,
          copying ? c.remainingBytes() : null,
          copying ? c.bytesPerSecond() : null,
          copying ? c.etaSeconds() : null,
          copying ? c.percent() : null,
          s.shutdown(),
          s.shutdown() == null ? null : s.shutdown().secondsLeft(),
          StepViews.line(s, v, now));
    }
  }
}
