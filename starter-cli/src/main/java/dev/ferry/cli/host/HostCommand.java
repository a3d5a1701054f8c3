package dev.ferry.cli.host;

import dev.ferry.cli.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry host ...}: the compute services. */
@Command(
    name = "host",
    description = "List, show, enable, disable and force down compute hosts.",
    mixinStandardHelpOptions = true,
    subcommands = {
      HostListCommand.class,
      HostShowCommand.class,
      HostEnableCommand.class,
      HostDisableCommand.class,
      HostSetDownCommand.class,
      HostSetUpCommand.class
    })
public final class HostCommand extends GroupCommand {}
