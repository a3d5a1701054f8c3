package dev.ferry.client;

/**
 * A wait ({@code --wait}, an await) gave up before what it waited for happened; the move or action
 * it waited for goes on, and the message says how to follow it.
 */
public final class WaitTimedOut extends FerryFailure {
  public WaitTimedOut(String message) {
    super(message);
  }
}
