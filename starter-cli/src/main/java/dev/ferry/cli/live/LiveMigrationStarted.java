package dev.ferry.cli.live;

/** What {@code live-migrate} prints without {@code --wait} (its JSON shape). */
public record LiveMigrationStarted(
    String moveId, String workflowId, String server, String destHost, String status) {}
