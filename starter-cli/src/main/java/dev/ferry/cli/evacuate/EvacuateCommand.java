package dev.ferry.cli.evacuate;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.TableWriter;
import dev.ferry.cli.common.Views;
import dev.ferry.cli.common.WaitTimeout;
import dev.ferry.cli.follow.Follower;
import dev.ferry.client.EvacuationClient;
import dev.ferry.client.FerryClient;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry evacuate <server> [--host H] [--fence METHOD] [--wait]}. */
@Command(
    name = "evacuate",
    description =
        "Rebuild a server whose host has failed on another host. The failed host is fenced"
            + " first; refused while it is UP and not forced down.",
    mixinStandardHelpOptions = true)
public final class EvacuateCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Destination host (default: the scheduler picks).")
  String host;

  @Option(
      names = "--fence",
      paramLabel = "METHOD",
      description =
          "How to fence the failed host: confirmed-off (you confirm it is powered off),"
              + " libvirt-destroy (destroy the server's domain through the host's libvirt, if it"
              + " answers), ipmi, redfish (need BMC credentials on the conductor). Default: the"
              + " conductor's.")
  String fence;

  @Option(names = "--wait", description = "Wait until the evacuation is done or failed.")
  boolean await;

  @Mixin WaitTimeout waitTimeout;

  @Override
  protected void validate() {
    if (host != null) {
      Names.requireValidName("host", host);
    }
    EvacuationClient.requireFenceMethod(fence);
    waitTimeout.get();
  }

  @Override
  protected int run(FerryClient client, Output out) {
    String moveId = client.evacuation().evacuate(server, host, fence);
    if (!await) {
      EvacuationStarted started =
          new EvacuationStarted(moveId, Names.moveWorkflowId(moveId), server, host, fence);
      out.emit(started, Follower.started("evacuation", moveId, server));
      return 0;
    }
    Follower follower = new Follower(client);
    MoveView view =
        follower.evacuation(moveId, server, waitTimeout.get(), follower.steps(out, moveId));
    out.emit(
        view,
        () -> {
          TableWriter details = Views.moveDetails(view);
          EvacuationViews.addDetails(details, client.evacuation(), client.servers(), view);
          out.print(details);
          out.println(
              "server " + server + " was rebuilt on host " + view.destHost() + staleCopy(view));
        });
    return 0;
  }

  private static String staleCopy(MoveView view) {
    return InstanceMoveStatus.COMPLETED.is(view.status())
        ? "; its stale copy on host " + view.sourceHost() + " is destroyed"
        : "; its stale copy is destroyed when host " + view.sourceHost() + " comes back";
  }

  /** What {@code evacuate} prints without {@code --wait}. */
  public record EvacuationStarted(
      String moveId, String workflowId, String server, String destHost, String fenceMethod) {
    public MoveType type() {
      return MoveType.EVACUATION;
    }
  }
}
