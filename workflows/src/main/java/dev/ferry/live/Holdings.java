package dev.ferry.live;

/**
 * What a live migration holds until it ends, whichever way it ends (switch-over, rollback,
 * post-copy recovery): the destination's claim and the source's outbound slot; and the cleanup list
 * of a host that stopped answering, where what could not be removed there is owed.
 */
record Holdings(DestinationClaim claim, OutboundSlot slot, HostCleanup cleanup) {

  /**
   * Settles the claim (handed to the instance when the guest moved, else released), then releases
   * the slot; whether the claim settled. Failures are noted in the move's error, never thrown.
   */
  boolean giveBackQuietly() {
    boolean settled = claim.settleQuietly();
    slot.releaseQuietly();
    return settled;
  }
}
