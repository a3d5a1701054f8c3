package dev.ferry.client;

/**
 * Temporal, or the worker behind the workflow asked, did not answer a call in time: whether a
 * request was accepted is unknown (one that was goes on), so this is no refusal.
 */
public final class NoAnswer extends FerryFailure {
  public NoAnswer(String message) {
    super(message);
  }

  public NoAnswer(String message, Throwable cause) {
    super(message, cause);
  }
}
