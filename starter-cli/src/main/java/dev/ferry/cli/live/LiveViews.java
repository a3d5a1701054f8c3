package dev.ferry.cli.live;

import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.TableWriter;
import dev.ferry.live.JobProgress;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.model.LiveMigrationOptions;
import java.util.Locale;

/** How live migrations and their progress are shown. */
public final class LiveViews {
  private static final int BAR = 24;

  private LiveViews() {}

  /**
   * The live-migration part of {@code ferry migration show}: details, then the running job's
   * progress ({@code progress} null: no job runs). Nothing when the move answers no live view.
   */
  public static void print(Output out, LiveMigrationView view, JobProgress progress) {
    if (view == null) {
      return;
    }
    out.print(details(view));
    if (!view.finished()) {
      out.println(
          "Progress:             " + (progress == null ? "(no job running)" : line(progress)));
    }
  }

  public static TableWriter details(LiveMigrationView v) {
    TableWriter t = TableWriter.details();
    if (v.queued()) {
      t.row("Queued:", "waiting for an outbound slot on " + v.sourceHost());
    }
    if (v.blockMigration() != null) {
      t.row(
          "Storage:",
          (Boolean.TRUE.equals(v.sharedStorage()) ? "shared" : "host-local")
              + (Boolean.TRUE.equals(v.blockMigration()) ? ", block migration" : ""));
    }
    LiveMigrationOptions o = v.options();
    if (o != null) {
      t.row("Options:", options(o));
    }
    if (v.candidatesRefused() != null && !v.candidatesRefused().isEmpty()) {
      t.row("Candidates refused:", String.join("; ", v.candidatesRefused()));
    }
    if (v.rejection() != null) {
      t.row("Refused:", v.rejection());
    }
    if (v.abortRequestedBy() != null) {
      t.row("Abort requested by:", v.abortRequestedBy());
    }
    if (v.forcedBy() != null) {
      t.row("Forced to complete:", v.forcedBy());
    }
    if (v.postCopy()) {
      t.row("Post-copy:", "yes (no way back)");
    }
    if (v.totalTimeMs() != null) {
      t.row(
          "Job time / downtime:",
          v.totalTimeMs() + " ms / " + (v.downtimeMs() == null ? "?" : v.downtimeMs() + " ms"));
    }
    return t;
  }

  /**
   * The effective policy; a value still unset (the move reads the cluster's first) is "default".
   */
  static String options(LiveMigrationOptions o) {
    return "block-migrate "
        + lower(o.blockMigration())
        + ", bandwidth "
        + (o.bandwidthMiBs() == null
            ? "default"
            : o.bandwidthMiBs() == 0 ? "unlimited" : o.bandwidthMiBs() + " MiB/s")
        + ", max downtime "
        + value(o.maxDowntimeMs(), " ms")
        + ", completion timeout "
        + value(o.completionTimeoutSecondsPerGiB(), " s/GiB")
        + " ("
        + lower(o.timeoutAction()).replace('_', '-')
        + "), progress timeout "
        + value(o.progressTimeoutSeconds(), " s")
        + ", auto-converge "
        + yes(o.permitAutoConverge())
        + ", post-copy "
        + yes(o.permitPostCopy())
        + ", max retries "
        + value(o.maxRetries(), "")
        + ", queue timeout "
        + value(o.queueTimeoutSeconds(), " s");
  }

  private static String value(Number n, String unit) {
    return n == null ? "default" : n + unit;
  }

  /** One line: phase, iteration, transferred / total, remaining, rate, ETA, elapsed. */
  public static String line(JobProgress p) {
    long total = p.memoryTotalBytes() + p.diskTotalBytes();
    long done = p.memoryProcessedBytes() + p.diskProcessedBytes();
    StringBuilder b = new StringBuilder(p.phase());
    if (total > 0) {
      b.append(String.format(Locale.ROOT, " %3d%%", percent(p)));
      b.append("  iteration ").append(Math.max(1, p.iteration()));
      b.append("  ").append(mib(done)).append('/').append(mib(total)).append(" MiB");
      b.append("  remaining ").append(mib(p.dataRemainingBytes())).append(" MiB");
      b.append("  rate ")
          .append(String.format(Locale.ROOT, "%.1f", p.bytesPerSecond() / 1048576.0));
      b.append(" MiB/s");
      b.append("  ETA ").append(p.etaSeconds() == null ? "?" : p.etaSeconds() + " s");
    }
    b.append(String.format(Locale.ROOT, "  elapsed %.1f s", p.elapsedMs() / 1000.0));
    if (p.forcedBy() != null) {
      b.append("  forced: ").append(p.forcedBy());
    }
    if (p.note() != null && !p.note().isBlank()) {
      b.append("  (").append(p.note()).append(')');
    }
    return b.toString();
  }

  /** A terminal's live bar: {@code [#######-----] 57%} and the line's figures. */
  public static String bar(JobProgress p) {
    int filled = (int) Math.round(percent(p) * BAR / 100.0);
    return "["
        + "#".repeat(Math.max(0, Math.min(BAR, filled)))
        + "-".repeat(Math.max(0, BAR - filled))
        + "] "
        + line(p);
  }

  /**
   * Share of the data sent; in later iterations re-dirtied memory is sent again, so this is
   * processed / (processed + remaining).
   */
  static int percent(JobProgress p) {
    long done = p.memoryProcessedBytes() + p.diskProcessedBytes();
    long left = p.dataRemainingBytes();
    if (done + left <= 0) {
      return 0;
    }
    return (int) Math.min(100, Math.round(100.0 * done / (done + left)));
  }

  private static long mib(long bytes) {
    return bytes / 1048576;
  }

  private static String yes(Boolean b) {
    return b == null ? "default" : b ? "permitted" : "off";
  }

  private static String lower(Enum<?> e) {
    return e == null ? "default" : e.name().toLowerCase(Locale.ROOT);
  }
}
