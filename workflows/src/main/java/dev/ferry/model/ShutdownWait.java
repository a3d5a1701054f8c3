package dev.ferry.model;

/**
 * A graceful power-off's heartbeat details: what it waits for and how long it still will, read by
 * clients from the move workflow's pending activity.
 *
 * @param waitedMillis since the ACPI shutdown was requested
 * @param gracefulSeconds how long the guest gets before it is destroyed
 * @param guest what libvirt tells of the guest's readiness to hear ACPI
 * @param startedSecondsAgo how long ago this agent started the guest; null when it did not (or no
 *     longer remembers)
 */
public record ShutdownWait(
    long waitedMillis, int gracefulSeconds, GuestReadiness guest, Long startedSecondsAgo) {

  /** Whether the guest can be expected to act on the ACPI request. */
  public enum GuestReadiness {
    /** Started moments ago, or its guest agent has not connected yet: the OS is still coming up. */
    BOOTING,
    /** Its guest agent is connected, so the OS runs: it ignores (or takes long over) ACPI. */
    IGNORING_ACPI,
    /** libvirt cannot tell (no guest agent channel and no start this agent remembers). */
    UNKNOWN
  }

  /** Seconds left before the guest is powered off the hard way. */
  public long secondsLeft() {
    return Math.max(0, gracefulSeconds - waitedMillis / 1000);
  }

  /** One line: what is waited for, how long, and what the guest seems to be doing. */
  public String describe() {
    String waiting =
        "waiting for the guest to shut down (ACPI): "
            + waitedMillis / 1000
            + " s of "
            + gracefulSeconds
            + " s, then it is powered off";
    return switch (guest == null ? GuestReadiness.UNKNOWN : guest) {
      case BOOTING ->
          waiting
              + (startedSecondsAgo != null
                  ? "; the guest started " + startedSecondsAgo + " s ago and may still be booting"
                  : "; the guest's agent has not connected yet: it is probably still booting")
              + " (a guest acts on ACPI only once its OS is up)";
      case IGNORING_ACPI -> waiting + "; the guest's OS is up but has not acted on ACPI";
      case UNKNOWN -> waiting;
    };
  }
}
