package dev.ferry.cli.server;

import dev.ferry.cli.action.ServerPauseCommand;
import dev.ferry.cli.action.ServerRebootCommand;
import dev.ferry.cli.action.ServerReconcileCommand;
import dev.ferry.cli.action.ServerResetStateCommand;
import dev.ferry.cli.action.ServerResumeCommand;
import dev.ferry.cli.action.ServerStartCommand;
import dev.ferry.cli.action.ServerStopCommand;
import dev.ferry.cli.action.ServerSuspendCommand;
import dev.ferry.cli.action.ServerUnpauseCommand;
import dev.ferry.cli.common.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry server ...}: instances. */
@Command(
    name = "server",
    description =
        "Create, list, show, adopt and delete servers; stop, start, pause, suspend, reboot them;"
            + " reconcile or reset a server's state.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ServerCreateCommand.class,
      ServerListCommand.class,
      ServerShowCommand.class,
      ServerAdoptCommand.class,
      ServerDeleteCommand.class,
      ServerStopCommand.class,
      ServerStartCommand.class,
      ServerPauseCommand.class,
      ServerUnpauseCommand.class,
      ServerSuspendCommand.class,
      ServerResumeCommand.class,
      ServerRebootCommand.class,
      ServerReconcileCommand.class,
      ServerResetStateCommand.class
    })
public final class ServerCommand extends GroupCommand {}
