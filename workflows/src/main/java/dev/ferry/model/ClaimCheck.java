package dev.ferry.model;

import dev.ferry.model.FerryRejection.Reason;

/**
 * Placement's answer to "where would this claim land now?", claiming nothing: the host, or the
 * refusal the claim would meet.
 */
public record ClaimCheck(String host, Reason reason, String refusal) {

  public static ClaimCheck fits(String host) {
    return new ClaimCheck(host, null, null);
  }

  public static ClaimCheck refused(FerryRejection r) {
    return new ClaimCheck(null, r.reason(), r.getMessage());
  }

  /** Throws the refusal the claim would meet. */
  public void require() {
    if (reason != null) {
      throw new FerryRejection(reason, refusal);
    }
  }
}
