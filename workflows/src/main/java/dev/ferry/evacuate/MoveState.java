package dev.ferry.evacuate;

/**
 * Where a move stands, read from its instance's record.
 *
 * @param closed true once the instance no longer holds it as its current move
 * @param status its last status (the summary's, once closed)
 * @param succeeded for a closed move: whether it reached its goal (done, completed, confirmed...)
 * @param host where the instance is now
 */
public record MoveState(
    String instanceId,
    String moveId,
    boolean closed,
    String status,
    boolean succeeded,
    String host,
    String error) {}
