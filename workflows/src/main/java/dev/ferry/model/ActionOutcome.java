package dev.ferry.model;

/**
 * How a server action ended, told to its instance.
 *
 * @param guest the guest's state read on its host after the action; null when the host could not be
 *     read (the record then keeps its states)
 * @param message what went wrong, or what a reconcile found; null otherwise
 * @param host where a reconcile found the server; null: where the record says
 * @param epoch the epoch of the copy a reconcile found; null with {@code host}
 */
public record ActionOutcome(
    String actionId, boolean succeeded, GuestState guest, String message, String host, Long epoch) {

  /** An action's end on the host the record names. */
  public ActionOutcome(String actionId, boolean succeeded, GuestState guest, String message) {
    this(actionId, succeeded, guest, message, null, null);
  }
}
