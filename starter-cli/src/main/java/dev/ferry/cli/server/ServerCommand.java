package dev.ferry.cli.server;

import dev.ferry.cli.common.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry server ...}: instances. */
@Command(
    name = "server",
    description = "Create, list, show, adopt and delete servers.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ServerCreateCommand.class,
      ServerListCommand.class,
      ServerShowCommand.class,
      ServerAdoptCommand.class,
      ServerDeleteCommand.class
    })
public final class ServerCommand extends GroupCommand {}
