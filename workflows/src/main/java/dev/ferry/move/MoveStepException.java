package dev.ferry.move;

/**
 * A step of a move failed; the message says what failed where, for the instance's lastError. Never
 * leaves the move: it catches it, compensates or rolls back, and ends in its error status.
 */
public class MoveStepException extends RuntimeException {
  public MoveStepException(String message) {
    super(message);
  }
}
