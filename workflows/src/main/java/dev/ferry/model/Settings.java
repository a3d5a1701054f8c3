package dev.ferry.model;

/**
 * Cluster-wide settings, configured on the conductor and kept by placement so clients and workflows
 * read one value.
 */
public record Settings(
    boolean allowResizeToSameHost,
    long resizeConfirmWindowSeconds,
    int maxConcurrentLiveMigrations,
    int gracefulShutdownSeconds) {
  public static final Settings DEFAULTS = new Settings(false, 3600, 1, 60);
}
