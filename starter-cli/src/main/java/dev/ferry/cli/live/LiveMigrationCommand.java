package dev.ferry.cli.live;

import dev.ferry.cli.common.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry live-migration ...}: act on a running live migration. */
@Command(
    name = "live-migration",
    description = "Act on a server's running live migration.",
    mixinStandardHelpOptions = true,
    subcommands = {LiveMigrationAbortCommand.class, LiveMigrationForceCompleteCommand.class})
public final class LiveMigrationCommand extends GroupCommand {}
