package dev.ferry.cli.history;

import dev.ferry.cli.common.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry history ...}: workflow histories. */
@Command(
    name = "history",
    description = "Export workflow histories (for replay tests and bug reports).",
    mixinStandardHelpOptions = true,
    subcommands = {HistoryExportCommand.class})
public final class HistoryCommand extends GroupCommand {}
