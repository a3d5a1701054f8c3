package dev.ferry.evacuate;

import dev.ferry.model.NovaStatus;

/** A host evacuation's or drain's status, as its view says it ({@link HostMovesView#status()}). */
public enum HostMovesStatus implements NovaStatus {
  RUNNING,
  /** The host cannot be worked on: nothing was started. */
  REFUSED,
  /** Every move succeeded or was skipped. */
  DONE,
  /** Some moves failed. */
  PARTIAL,
  /** The deadline passed: moves still running are no longer awaited. */
  TIMED_OUT
}
