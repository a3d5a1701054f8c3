package dev.ferry.cli.host;

import dev.ferry.cli.common.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry host ...}: the compute services. */
@Command(
    name = "host",
    description =
        "List, show, enable, disable, force down, evacuate, drain and delete compute hosts;"
            + " see and settle what a host owes.",
    mixinStandardHelpOptions = true,
    subcommands = {
      HostListCommand.class,
      HostShowCommand.class,
      HostEnableCommand.class,
      HostDisableCommand.class,
      HostSetDownCommand.class,
      HostSetUpCommand.class,
      HostEvacuateCommand.class,
      HostDrainCommand.class,
      HostDeleteCommand.class,
      HostCleanupCommand.class
    })
public final class HostCommand extends GroupCommand {}
