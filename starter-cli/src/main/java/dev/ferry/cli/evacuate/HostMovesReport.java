package dev.ferry.cli.evacuate;

import dev.ferry.cli.Output;
import dev.ferry.cli.TableWriter;
import dev.ferry.client.EvacuationClient;
import dev.ferry.client.FerryFailure;
import dev.ferry.evacuate.HostMoveItem;
import dev.ferry.evacuate.HostMovesView;
import java.time.Duration;

/** Prints a host evacuation's or drain's start, or follows it to its end. */
final class HostMovesReport {
  private HostMovesReport() {}

  static int report(
      EvacuationClient evacuation, Output out, String workflowId, boolean await, Duration wait) {
    if (!await) {
      HostMovesView view = evacuation.hostMoves(workflowId);
      out.emit(
          view,
          () ->
              out.println(
                  workflowId
                      + " started; follow it with: ferry host "
                      + (workflowId.startsWith("host-drain:") ? "drain" : "evacuate")
                      + " "
                      + view.host()
                      + " --wait"));
      return 0;
    }
    HostMovesView view = evacuation.awaitHostMoves(workflowId, wait);
    out.emit(
        view,
        () -> {
          out.print(table(view));
          out.println(
              workflowId
                  + ": "
                  + view.status()
                  + " ("
                  + view.done()
                  + " done, "
                  + view.failed()
                  + " failed, "
                  + view.skipped()
                  + " skipped)");
        });
    if (!"done".equals(view.status())) {
      throw new FerryFailure(
          workflowId + " ended " + view.status() + ": " + view.failed() + " server(s) not moved");
    }
    return 0;
  }

  static TableWriter table(HostMovesView view) {
    TableWriter t = TableWriter.of("SERVER", "ID", "STATE", "MOVE", "STATUS", "DETAIL");
    for (HostMoveItem i : view.items()) {
      t.row(i.name, i.instanceId, i.state, i.moveId, i.moveStatus, i.detail);
    }
    return t;
  }
}
