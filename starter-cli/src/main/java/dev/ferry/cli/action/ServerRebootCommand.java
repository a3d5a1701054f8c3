package dev.ferry.cli.action;

import dev.ferry.model.ServerAction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry server reboot [--hard] <server>}. */
@Command(
    name = "reboot",
    description =
        "Reboot a server: an ACPI shutdown then a start; a guest that ignores ACPI is destroyed"
            + " after the cluster's graceful window (60 s by default), as Nova does. --hard"
            + " destroys it at once.",
    mixinStandardHelpOptions = true)
public final class ServerRebootCommand extends ServerActionCommand {
  @Option(names = "--hard", description = "Destroy and start, whatever the guest does.")
  boolean hard;

  @Override
  ServerAction action() {
    return hard ? ServerAction.HARD_REBOOT : ServerAction.REBOOT;
  }
}
