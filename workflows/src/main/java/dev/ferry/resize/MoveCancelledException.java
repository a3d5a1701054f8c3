package dev.ferry.resize;

/**
 * A workflow cancel reached a step boundary of steps 1-3 (or interrupted the disk copy): the saga
 * compensates. Not a {@link MoveStepException}: nothing failed.
 */
final class MoveCancelledException extends RuntimeException {
  MoveCancelledException(String message) {
    super(message);
  }
}
