package dev.ferry.evacuate;

/**
 * A host evacuation or drain request.
 *
 * @param concurrency at most this many moves in flight (at least 1)
 * @param fenceMethod the fencing method every evacuation uses; null = the conductor's default
 * @param timeoutSeconds how long the whole run may wait for its moves (0 = the default)
 * @param state carried across continue-as-new; null on the first run
 */
public record HostMovesInput(
    String host,
    int concurrency,
    String requestedBy,
    String fenceMethod,
    long timeoutSeconds,
    HostMovesState state) {

  public HostMovesInput(String host, int concurrency, String requestedBy, String fenceMethod) {
    this(host, concurrency, requestedBy, fenceMethod, 0, null);
  }
}
