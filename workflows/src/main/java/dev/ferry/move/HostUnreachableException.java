package dev.ferry.move;

/**
 * A call to {@link #host()} was not taken up or timed out, and the host's record says it is not
 * alive: the move gives up on that host (work it owes goes on the host's cleanup list).
 */
public final class HostUnreachableException extends MoveStepException {
  private final String host;

  public HostUnreachableException(String host, String message) {
    super(message);
    this.host = host;
  }

  public String host() {
    return host;
  }
}
