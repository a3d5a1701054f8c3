package dev.ferry.cli.action;

import dev.ferry.model.ServerAction;
import picocli.CommandLine.Command;

/** {@code ferry server reconcile <server>}. */
@Command(
    name = "reconcile",
    description =
        "Ask every UP host whether it defines the server and how it runs, and repair the record from the answers (the way back from ERROR). A DOWN host is unknown; two hosts running it is refused.",
    mixinStandardHelpOptions = true)
public final class ServerReconcileCommand extends ServerActionCommand {
  @Override
  ServerAction action() {
    return ServerAction.RECONCILE;
  }
}
