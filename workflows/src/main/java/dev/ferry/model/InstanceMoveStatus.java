package dev.ferry.model;

/**
 * The statuses an instance records for its move itself, besides those the move reports: {@code
 * accepted} from the start until the move's first report, {@code completed} for an evacuation whose
 * stale copy its old host destroyed on return, {@code closed-unreported} for a move that closed
 * without saying how (terminated).
 */
public enum InstanceMoveStatus implements NovaStatus {
  ACCEPTED,
  COMPLETED,
  CLOSED_UNREPORTED
}
