package dev.ferry.resize;

/**
 * A step of a move failed; the message says what failed where, for the instance's lastError. Never
 * leaves the workflow: the move catches it, compensates and ends in {@code error}.
 */
class MoveStepException extends RuntimeException {
  MoveStepException(String message) {
    super(message);
  }
}
