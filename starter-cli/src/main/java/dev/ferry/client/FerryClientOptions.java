package dev.ferry.client;

import java.time.Duration;

/**
 * Where {@link FerryClient} finds Temporal.
 *
 * @param target host:port of the Temporal frontend; default {@code FERRY_TEMPORAL_TARGET} or {@code
 *     localhost:7233}
 * @param namespace default {@code FERRY_TEMPORAL_NAMESPACE} or {@code default}
 * @param connectTimeout how long the reachability check may take
 * @param callTimeout how long one query or update may take before the client gives up (the
 *     conductor may be down: Temporal then holds the request)
 */
public record FerryClientOptions(
    String target, String namespace, Duration connectTimeout, Duration callTimeout) {

  public static final String DEFAULT_TARGET = "localhost:7233";
  public static final String DEFAULT_NAMESPACE = "default";
  public static final String TARGET_ENV = "FERRY_TEMPORAL_TARGET";
  public static final String NAMESPACE_ENV = "FERRY_TEMPORAL_NAMESPACE";

  public FerryClientOptions {
    if (target == null || target.isBlank()) {
      target = DEFAULT_TARGET;
    }
    if (namespace == null || namespace.isBlank()) {
      namespace = DEFAULT_NAMESPACE;
    }
    if (connectTimeout == null) {
      connectTimeout = Duration.ofSeconds(5);
    }
    if (callTimeout == null) {
      callTimeout = Duration.ofSeconds(30);
    }
  }

  /** The defaults, with the environment's target and namespace when set. */
  public static FerryClientOptions defaults() {
    return new FerryClientOptions(
        System.getenv(TARGET_ENV), System.getenv(NAMESPACE_ENV), null, null);
  }

  /** This with another target; null keeps the current one. */
  public FerryClientOptions withTarget(String newTarget) {
    return newTarget == null
        ? this
        : new FerryClientOptions(newTarget, namespace, connectTimeout, callTimeout);
  }

  /** This with another namespace; null keeps the current one. */
  public FerryClientOptions withNamespace(String newNamespace) {
    return newNamespace == null
        ? this
        : new FerryClientOptions(target, newNamespace, connectTimeout, callTimeout);
  }

  public FerryClientOptions withCallTimeout(Duration timeout) {
    return new FerryClientOptions(target, namespace, connectTimeout, timeout);
  }
}
