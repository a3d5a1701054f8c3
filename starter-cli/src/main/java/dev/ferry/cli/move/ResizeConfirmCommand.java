package dev.ferry.cli.move;

import picocli.CommandLine.Command;

/** {@code ferry resize-confirm <server> [--wait]}. */
@Command(
    name = "resize-confirm",
    description =
        "Confirm a resize or cold migration waiting in VERIFY_RESIZE: the source's copy is"
            + " deleted. Answers once that is done.",
    mixinStandardHelpOptions = true)
public final class ResizeConfirmCommand extends ResizeDecisionCommand {
  @Override
  boolean confirms() {
    return true;
  }
}
