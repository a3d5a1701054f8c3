package dev.ferry.live;

/** The operator's abort won: stop, put everything back, end in CANCELLED. */
final class AbortedException extends RuntimeException {
  AbortedException() {
    super("aborted");
  }
}
