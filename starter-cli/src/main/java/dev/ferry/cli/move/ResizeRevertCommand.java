package dev.ferry.cli.move;

import picocli.CommandLine.Command;

/** {@code ferry resize-revert <server> [--wait]}. */
@Command(
    name = "resize-revert",
    description =
        "Revert a resize or cold migration waiting in VERIFY_RESIZE: back to the source host and"
            + " the old flavor. Answers once that is done.",
    mixinStandardHelpOptions = true)
public final class ResizeRevertCommand extends ResizeDecisionCommand {
  @Override
  boolean confirms() {
    return false;
  }
}
