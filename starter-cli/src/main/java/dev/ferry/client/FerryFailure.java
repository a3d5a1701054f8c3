package dev.ferry.client;

/**
 * A request that was accepted (or whose fate is unknown) but did not succeed: a build that ended in
 * ERROR, a move that failed. Unlike a {@link dev.ferry.model.FerryRejection}, something may have
 * changed; the message says what to look at. Two kinds have their own type: {@link WaitTimedOut} (a
 * wait gave up, the work goes on) and {@link NoAnswer} (Temporal did not answer in time).
 */
public class FerryFailure extends RuntimeException {
  public FerryFailure(String message) {
    super(message);
  }

  public FerryFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
