package dev.ferry.live;

/** A step of a live migration failed; the message says what failed where. Never leaves it. */
class LiveStepException extends RuntimeException {
  LiveStepException(String message) {
    super(message);
  }
}
