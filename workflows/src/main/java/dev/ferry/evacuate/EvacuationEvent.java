package dev.ferry.evacuate;

/** What moves an evacuation from one status to the next. */
public enum EvacuationEvent {
  /** The source is dead and fenced: its copy cannot run any more. The rebuild may start. */
  FENCED,
  /** The source is in use, the request cannot work, or fencing failed. Nothing was touched. */
  REFUSED,
  /** Running (or defined, for a STOPPED instance) on the destination, claim swapped. */
  REBUILT,
  /** A rebuild step failed; compensation has run. */
  FAILED
}
