package dev.ferry.cli.move;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.cli.common.WaitTimeout;
import dev.ferry.client.FerryClient;
import dev.ferry.model.InstanceRecord;
import dev.ferry.move.MoveView;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code resize-confirm} and {@code resize-revert}: decide a move waiting in VERIFY_RESIZE. Either
 * answers once the decision is carried out; {@code --wait} also waits until the server is free for
 * its next move.
 */
abstract class ResizeDecisionCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Option(
      names = "--wait",
      description =
          "Also wait until the server has let go of the move (free for its next one), up to"
              + " --wait-timeout.")
  boolean await;

  @Mixin WaitTimeout waitTimeout;

  /** True: confirm; false: revert. */
  abstract boolean confirms();

  @Override
  protected void validate() {
    waitTimeout.get();
  }

  @Override
  protected final int run(FerryClient client, Output out) {
    Duration wait = await ? waitTimeout.get() : null;
    MoveView view =
        confirms() ? client.resizes().confirm(server, wait) : client.resizes().revert(server, wait);
    InstanceRecord record = await ? client.servers().get(server) : null;
    out.emit(
        view,
        () -> {
          out.println(
              (confirms() ? "confirmed" : "reverted")
                  + " move "
                  + view.moveId()
                  + " of server "
                  + server);
          out.print(Views.moveDetails(view));
          if (record != null) {
            out.println("server " + server + " is " + record.vmState + " on host " + record.host);
          }
        });
    return 0;
  }
}
