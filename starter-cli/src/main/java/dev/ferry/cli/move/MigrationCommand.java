package dev.ferry.cli.move;

import dev.ferry.cli.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry migration ...}: moves. */
@Command(
    name = "migration",
    description = "Inspect and cancel moves (migrations, resizes).",
    mixinStandardHelpOptions = true,
    subcommands = {MigrationShowCommand.class, MigrationCancelCommand.class})
public final class MigrationCommand extends GroupCommand {}
