package dev.ferry.cli.move;

import dev.ferry.cli.Output;
import dev.ferry.cli.Views;
import dev.ferry.client.FerryFailure;
import dev.ferry.client.MovesClient;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;
import java.util.Set;

/** After {@code migrate} / {@code resize}: reports the started move, or follows it. */
final class MoveFollower {
  static final String FINISHED = "FINISHED";
  static final String ERROR = "ERROR";

  private MoveFollower() {}

  static int report(
      MovesClient moves,
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
      out.emit(
          started,
          noun
              + " "
              + moveId
              + " of server "
              + server
              + " started; follow it with: ferry migration show "
              + moveId);
      return 0;
    }
    MoveView view = moves.await(moveId, Set.of(FINISHED, ERROR), options.waitTimeout);
    if (MovesClient.normalizeStatus(view.status()).equals(ERROR)) {
      throw new FerryFailure(
          noun
              + " "
              + moveId
              + " of server "
              + server
              + " failed: "
              + (view.error() != null ? view.error() : "no reason recorded")
              + "; see 'ferry migration show "
              + moveId
              + "'");
    }
    out.emit(
        view,
        () -> {
          out.print(Views.moveDetails(view));
          if (MovesClient.normalizeStatus(view.status()).equals(FINISHED)) {
            out.println("server " + server + " is in VERIFY_RESIZE on host " + view.destHost());
            out.println("confirm with: ferry resize-confirm " + server);
            out.println("or revert with: ferry resize-revert " + server);
          }
        });
    return 0;
  }
}
