package dev.ferry.cli.move;

import dev.ferry.model.MoveType;

/** What {@code migrate} / {@code resize} print without {@code --wait}. */
public record MoveStarted(
    String moveId,
    String workflowId,
    MoveType type,
    String server,
    String destHost,
    String flavor) {}
