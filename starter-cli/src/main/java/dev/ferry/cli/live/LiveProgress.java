package dev.ferry.cli.live;

import dev.ferry.cli.common.Output;
import dev.ferry.cli.follow.ProgressLines;
import dev.ferry.client.LiveMigrationClient;
import dev.ferry.live.JobProgress;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** A followed live migration: its status changes, and its job's progress as a bar or lines. */
final class LiveProgress extends ProgressLines {

  LiveProgress(LiveMigrationClient live, Output out, String moveId, boolean terminal) {
    this(out, () -> live.progress(moveId), terminal, System::nanoTime);
  }

  /**
   * @param job the running job's progress now; empty when no job runs
   * @param terminal a live bar (a terminal) rather than plain lines
   */
  LiveProgress(
      Output out, Supplier<Optional<JobProgress>> job, boolean terminal, LongSupplier nanoTime) {
    super(
        out,
        view -> job.get().map(p -> new Shown(LiveViews.bar(p), LiveViews.line(p))),
        terminal,
        nanoTime);
  }
}
