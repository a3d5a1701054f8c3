package dev.ferry.model;

/** One move in an instance's history. */
public record MoveSummary(
    String moveId,
    MoveType type,
    String sourceHost,
    String destHost,
    String status,
    long startedAtMillis,
    long endedAtMillis) {}
