package dev.ferry.resize;

/**
 * A call to {@link #host()} was not taken up or timed out, and the host's record says it is not
 * alive: the move gives up on that host (work it owes goes on the host's cleanup list).
 */
final class HostUnreachableException extends MoveStepException {
  private final String host;

  HostUnreachableException(String host, String message) {
    super(message);
    this.host = host;
  }

  String host() {
    return host;
  }
}
