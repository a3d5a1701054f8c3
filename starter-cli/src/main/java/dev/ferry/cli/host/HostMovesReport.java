package dev.ferry.cli.host;

import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.TableWriter;
import dev.ferry.cli.follow.Follower;
import dev.ferry.client.EvacuationClient;
import dev.ferry.client.FerryClient;
import dev.ferry.evacuate.HostMoveItem;
import dev.ferry.evacuate.HostMovesView;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Starts, shows, follows or cancels a host evacuation or drain, and prints it. */
final class HostMovesReport {
  private HostMovesReport() {}

  /**
   * Refuses options that do not go together (a usage error, before connecting).
   *
   * @param startOnly the options that only starting a run takes
   */
  static void validate(CommandSpec spec, HostMovesOptions o, String... startOnly) {
    if (o.show && o.cancel) {
      throw new ParameterException(spec.commandLine(), "--show and --cancel exclude each other");
    }
    if (o.cancel && o.await) {
      throw new ParameterException(
          spec.commandLine(), "--cancel already waits until the run has ended: drop --wait");
    }
    if (o.show || o.cancel) {
      for (String name : startOnly) {
        if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
          throw new ParameterException(
              spec.commandLine(),
              name + " is for starting a run, not with " + (o.show ? "--show" : "--cancel"));
        }
      }
    }
  }

  /** Runs what the options ask: {@code start} starts one and returns its workflow id. */
  static int run(
      FerryClient client,
      Output out,
      HostMovesOptions o,
      String workflowId,
      Supplier<String> start) {
    EvacuationClient evacuation = client.evacuation();
    if (o.cancel) {
      return cancelled(evacuation.cancelHostMoves(workflowId, o.waitTimeout), out, workflowId);
    }
    if (!o.show) {
      start.get();
    }
    if (!o.await) {
      HostMovesView view = evacuation.hostMoves(workflowId);
      out.emit(
          view,
          () -> {
            if (o.show) {
              out.print(table(view));
              out.println(summary(workflowId, view));
            } else {
              out.println(
                  workflowId + " started; follow it with: " + command(view) + " --show --wait");
            }
          });
      return 0;
    }
    HostMovesView view = new Follower(client).hostMoves(workflowId, o.waitTimeout);
    out.emit(
        view,
        () -> {
          out.print(table(view));
          out.println(summary(workflowId, view));
        });
    Follower.requireHostMovesDone(workflowId, view);
    return 0;
  }

  private static int cancelled(HostMovesView view, Output out, String workflowId) {
    List<String> goOn =
        view.items().stream()
            .filter(i -> i.state == HostMoveItem.State.RUNNING)
            .map(i -> i.name)
            .toList();
    boolean drain = "host-drain".equals(view.kind());
    out.emit(
        view,
        () -> {
          out.print(table(view));
          out.println(summary(workflowId, view));
          out.println(
              goOn.isEmpty()
                  ? "no move of it was running"
                  : "moves it started go on ("
                      + String.join(", ", goOn)
                      + "): follow them with 'ferry migration list --host "
                      + view.host()
                      + "'"
                      + (drain ? ", abort one with 'ferry live-migration abort SERVER'" : ""));
          if (drain) {
            out.println(
                "host " + view.host() + " stays disabled: 'ferry host enable " + view.host() + "'");
          }
        });
    return 0;
  }

  private static String summary(String workflowId, HostMovesView view) {
    return workflowId
        + ": "
        + view.status()
        + " ("
        + view.done()
        + " done, "
        + view.running()
        + " running, "
        + view.pending()
        + " pending, "
        + view.failed()
        + " failed, "
        + view.skipped()
        + " skipped)";
  }

  private static String command(HostMovesView view) {
    return "ferry host "
        + ("host-drain".equals(view.kind()) ? "drain" : "evacuate")
        + " "
        + view.host();
  }

  static TableWriter table(HostMovesView view) {
    TableWriter t = TableWriter.of("SERVER", "ID", "STATE", "MOVE", "STATUS", "DETAIL");
    for (HostMoveItem i : view.items()) {
      t.row(i.name, i.instanceId, i.state, i.moveId, i.moveStatus, i.detail);
    }
    return t;
  }
}
