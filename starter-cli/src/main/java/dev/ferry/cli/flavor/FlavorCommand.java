package dev.ferry.cli.flavor;

import dev.ferry.cli.common.GroupCommand;
import picocli.CommandLine.Command;

/** {@code ferry flavor ...}: the flavor catalog. */
@Command(
    name = "flavor",
    description = "The flavors servers are created and resized with.",
    mixinStandardHelpOptions = true,
    subcommands = {FlavorListCommand.class})
public final class FlavorCommand extends GroupCommand {}
