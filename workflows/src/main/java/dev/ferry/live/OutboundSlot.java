package dev.ferry.live;

import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveStepException;
import dev.ferry.move.Summarized;
import dev.ferry.move.WebUiTexts;
import java.time.Duration;

/**
 * The source's outbound live-migration slot, kept by its HostWorkflow: asked for once, waited for
 * in QUEUED (until granted, aborted or the queue timeout), released when the move ends.
 */
final class OutboundSlot {

  private final LiveRun run;
  private final LiveReporting reporting;
  private boolean asked;

  OutboundSlot(LiveRun run, LiveReporting reporting) {
    this.run = run;
    this.reporting = reporting;
  }

  void await() {
    asked = true; // compensation first: releaseSlot frees a held slot or a queue place
    boolean granted =
        ConductorCalls.get(
            "ask " + run.source + " for an outbound slot",
            c -> c.hostRecords().acquireSlot(run.source, run.moveId()));
    if (!granted && !run.slotGranted) {
      run.queued = true;
      reporting.announce();
      Duration queueTimeout = Duration.ofSeconds(run.options.queueTimeoutSeconds());
      boolean woke =
          Summarized.await(
              queueTimeout,
              WebUiTexts.slotWait(run.source, queueTimeout),
              () -> run.slotGranted || run.abortRequested());
      if (run.abortRequested()) {
        throw new AbortedException();
      }
      if (!woke) {
        throw new MoveStepException(
            "no outbound live-migration slot on "
                + run.source
                + " within "
                + run.options.queueTimeoutSeconds()
                + " s");
      }
    }
    run.queued = false;
    run.slotGranted = true;
    if (run.abortRequested()) {
      throw new AbortedException();
    }
  }

  /** The HostWorkflow's signal: this queued move now holds the slot. */
  void granted(String host) {
    if (run.source == null || run.source.equals(host)) {
      run.slotGranted = true;
    }
  }

  void releaseQuietly() {
    if (!asked) {
      return;
    }
    try {
      ConductorCalls.run(
          "release the outbound slot on " + run.source,
          c -> c.hostRecords().releaseSlot(run.source, run.moveId()));
      asked = false;
    } catch (MoveStepException e) {
      run.noteError(e.getMessage()); // the HostWorkflow reclaims slots of closed moves
    }
  }
}
