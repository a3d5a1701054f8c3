package dev.ferry.cli.move;

import dev.ferry.cli.common.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry migration ...}: moves. */
@Command(
    name = "migration",
    description = "List, inspect and cancel moves (migrations, resizes).",
    mixinStandardHelpOptions = true,
    subcommands = {
      MigrationListCommand.class,
      MigrationShowCommand.class,
      MigrationCancelCommand.class
    })
public final class MigrationCommand extends GroupCommand {}
