package dev.ferry.model;

/**
 * How a server action ended, told to its instance.
 *
 * @param guest the guest's state read on its host after the action; null when the host could not be
 *     read (the record then keeps its states)
 * @param message what went wrong, or null
 */
public record ActionOutcome(String actionId, boolean succeeded, GuestState guest, String message) {}
