package dev.ferry.evacuate;

/**
 * A host evacuation or drain request.
 *
 * @param concurrency at most this many moves in flight (at least 1)
 * @param fenceMethod the fencing method every evacuation uses; null = the conductor's default
 * @param timeoutSeconds how long the whole run may wait for its moves (0 = the default)
 * @param state carried across continue-as-new; null on the first run
 * @param destHost where every evacuation rebuilds (Nova's {@code host-evacuate --target_host});
 *     null = placement picks one per server (and always for a drain)
 */
public record HostMovesInput(
    String host,
    int concurrency,
    String requestedBy,
    String fenceMethod,
    long timeoutSeconds,
    HostMovesState state,
    String destHost) {

  public HostMovesInput(
      String host,
      int concurrency,
      String requestedBy,
      String fenceMethod,
      long timeoutSeconds,
      HostMovesState state) {
    this(host, concurrency, requestedBy, fenceMethod, timeoutSeconds, state, null);
  }

  public HostMovesInput(String host, int concurrency, String requestedBy, String fenceMethod) {
    this(host, concurrency, requestedBy, fenceMethod, 0, null, null);
  }

  /** The same request, every evacuation rebuilding on {@code destHost}. */
  public HostMovesInput toHost(String destHost) {
    return new HostMovesInput(
        host, concurrency, requestedBy, fenceMethod, timeoutSeconds, state, destHost);
  }
}
