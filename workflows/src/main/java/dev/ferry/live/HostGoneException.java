package dev.ferry.live;

/** A call to {@link #host()} could not be made and the host's record says it is not alive. */
final class HostGoneException extends LiveStepException {
  private final String host;

  HostGoneException(String host, String message) {
    super(message);
    this.host = host;
  }

  String host() {
    return host;
  }
}
