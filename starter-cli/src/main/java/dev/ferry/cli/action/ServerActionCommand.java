package dev.ferry.cli.action;

import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.WaitTimeout;
import dev.ferry.client.ActionsClient.Started;
import dev.ferry.client.FerryClient;
import dev.ferry.model.ActionSummary;
import dev.ferry.model.ServerAction;
import dev.ferry.model.ServerStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A server action ({@code ferry server stop|start|pause|...}): started through the server's lock;
 * {@code --wait} follows it to its end and exits 1 when it failed.
 */
abstract class ServerActionCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Option(names = "--wait", description = "Wait until the action has ended, up to --wait-timeout.")
  boolean await;

  @Mixin WaitTimeout waitTimeout;

  abstract ServerAction action();

  @Override
  protected void validate() {
    waitTimeout.get();
  }

  @Override
  protected final int run(FerryClient client, Output out) {
    ServerAction action = action();
    Started started = client.actions().start(server, action);
    if (!await) {
      Map<String, Object> accepted = new LinkedHashMap<>();
      accepted.put("server", started.serverName());
      accepted.put("action", action.novaName());
      accepted.put("actionId", started.actionId());
      out.emit(
          accepted,
          action.novaName()
              + " of server "
              + started.serverName()
              + " started (action "
              + started.actionId()
              + "); follow it with `ferry server show "
              + started.serverName()
              + "`");
      return 0;
    }
    ActionSummary done = client.actions().await(started, waitTimeout.get());
    var record = client.servers().get(started.instanceId());
    out.emit(
        done,
        () -> {
          out.println(
              action.novaName()
                  + " of server "
                  + started.serverName()
                  + (done.succeeded() ? " done" : " failed")
                  + (done.message() == null ? "" : ": " + done.message()));
          out.println(
              "server "
                  + record.name
                  + " is "
                  + ServerStatus.of(record)
                  + " on host "
                  + record.host);
        });
    return done.succeeded() ? 0 : ExitStatus.FAILED;
  }
}
