package dev.ferry.model;

/** One action in a server's history (`server show`): which, who asked, when, and its result. */
public record ActionSummary(
    String actionId,
    ServerAction action,
    String requestedBy,
    boolean succeeded,
    String message,
    long startedAtMillis,
    long endedAtMillis) {}
