package dev.ferry.model;

/**
 * Cluster-wide settings, configured on the conductor and kept by placement so clients and workflows
 * read one value.
 *
 * @param liveMigration the defaults a live-migration request's unset options take; null (settings
 *     pushed by an older conductor) reads as {@link LiveMigrationOptions#DEFAULTS}, Nova's
 */
public record Settings(
    boolean allowResizeToSameHost,
    long resizeConfirmWindowSeconds,
    int maxConcurrentLiveMigrations,
    int gracefulShutdownSeconds,
    LiveMigrationOptions liveMigration) {
  public static final Settings DEFAULTS =
      new Settings(false, 3600, 1, 60, LiveMigrationOptions.DEFAULTS);

  /** With Nova's live-migration defaults. */
  public Settings(
      boolean allowResizeToSameHost,
      long resizeConfirmWindowSeconds,
      int maxConcurrentLiveMigrations,
      int gracefulShutdownSeconds) {
    this(
        allowResizeToSameHost,
        resizeConfirmWindowSeconds,
        maxConcurrentLiveMigrations,
        gracefulShutdownSeconds,
        LiveMigrationOptions.DEFAULTS);
  }

  /** The live-migration defaults, never null. */
  public LiveMigrationOptions liveMigrationDefaults() {
    return liveMigration == null ? LiveMigrationOptions.DEFAULTS : liveMigration;
  }
}
