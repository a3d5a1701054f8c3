package dev.ferry.model;

/** The kinds of move; a cold migration is a resize without a new flavor. */
public enum MoveType {
  COLD_MIGRATION,
  RESIZE,
  LIVE_MIGRATION,
  EVACUATION
}
