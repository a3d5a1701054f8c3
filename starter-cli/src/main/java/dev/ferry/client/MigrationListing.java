package dev.ferry.client;

import dev.ferry.model.MoveType;
import java.time.Instant;

/**
 * One move as Temporal's visibility store knows it ({@link MovesClient#list}): its search
 * attributes and its workflow's start and close times. {@code ferry migration show} has the rest.
 *
 * @param moveId the move's id (its workflow is {@code move:<id>})
 * @param instanceId the server's instance id
 * @param server the server's name when placement knows it, else its instance id (e.g. deleted)
 * @param sourceHost where the move started
 * @param destHost where it goes; null until a destination was chosen
 * @param status the last status the move reported, in Nova's spelling
 * @param created when the move's workflow started
 * @param ended when its workflow closed; null while it runs
 */
public record MigrationListing(
    String moveId,
    String instanceId,
    String server,
    MoveType type,
    String status,
    String sourceHost,
    String destHost,
    Instant created,
    Instant ended) {

  public boolean running() {
    return ended == null;
  }

  /** This move with another status (e.g. the later one its server's record holds). */
  public MigrationListing withStatus(String newStatus) {
    return newStatus.equals(status)
        ? this
        : new MigrationListing(
            moveId, instanceId, server, type, newStatus, sourceHost, destHost, created, ended);
  }
}
