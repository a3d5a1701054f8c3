package dev.ferry.cli.move;

import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.cli.follow.Follower;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;

/** After {@code migrate} / {@code resize}: reports the started move, or follows it to its end. */
final class MoveReport {
  private MoveReport() {}

  static int report(
      Follower follower,
      Output out,
      MoveOptions options,
      MoveType type,
      String server,
      String flavor,
      String moveId) {
    String noun = type == MoveType.RESIZE ? "resize" : "migration";
    if (!options.await) {
      MoveStarted started =
          new MoveStarted(moveId, Names.moveWorkflowId(moveId), type, server, options.host, flavor);
      out.emit(started, Follower.started(noun, moveId, server));
      return 0;
    }
    MoveView view =
        follower.resize(
            moveId, noun, server, options.waitTimeout.get(), follower.steps(out, moveId));
    out.emit(
        view,
        () -> {
          out.print(Views.moveDetails(view));
          if (Follower.parked(view)) {
            out.println("server " + server + " is in VERIFY_RESIZE on host " + view.destHost());
            out.println("confirm with: ferry resize-confirm " + server);
            out.println("or revert with: ferry resize-revert " + server);
          }
        });
    return 0;
  }
}
