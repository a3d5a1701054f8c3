package dev.ferry.cli.action;

import dev.ferry.model.ServerAction;
import picocli.CommandLine.Command;

/** {@code ferry server pause <server>}. */
@Command(
    name = "pause",
    description =
        "Pause a server: its vCPUs stop, its memory stays (libvirt's suspend, Nova's pause).",
    mixinStandardHelpOptions = true)
public final class ServerPauseCommand extends ServerActionCommand {
  @Override
  ServerAction action() {
    return ServerAction.PAUSE;
  }
}
