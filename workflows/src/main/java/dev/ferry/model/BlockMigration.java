package dev.ferry.model;

import java.util.Locale;

/**
 * Whether the disks are copied with the memory (Nova's {@code --block-migrate}). AUTO follows
 * Nova's rule: copy exactly when the disks are not on storage both hosts share.
 */
public enum BlockMigration {
  AUTO,
  TRUE,
  FALSE;

  /** {@code auto}, {@code true}, {@code false} (any case); null is AUTO. */
  public static BlockMigration parse(String value) {
    if (value == null || value.isBlank()) {
      return AUTO;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "true", "yes" -> TRUE;
      case "false", "no" -> FALSE;
      default ->
          throw new IllegalArgumentException(
              "block migration must be auto, true or false, not '" + value + "'");
    };
  }
}
