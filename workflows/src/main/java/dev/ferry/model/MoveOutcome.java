package dev.ferry.model;

/**
 * What a move tells its instance when it closes: where the instance is now and in what state. Every
 * field is authoritative for the record.
 *
 * <p>{@code sourceHost} and {@code destHost} say where the move went from and to, whatever its end
 * ({@code host}: after a revert or a rollback it is the source). Null in outcomes from before they
 * existed and from moves that do not set them; {@code destHost} also when no destination was
 * chosen.
 */
public record MoveOutcome(
    String moveId,
    String status,
    boolean succeeded,
    String host,
    Flavor flavor,
    long epoch,
    String domainXml,
    VmState vmState,
    PowerState powerState,
    String error,
    String sourceHost,
    String destHost) {

  /**
   * An outcome that does not say where the move went (the record's host before it is the source).
   */
  public MoveOutcome(
      String moveId,
      String status,
      boolean succeeded,
      String host,
      Flavor flavor,
      long epoch,
      String domainXml,
      VmState vmState,
      PowerState powerState,
      String error) {
    this(
        moveId,
        status,
        succeeded,
        host,
        flavor,
        epoch,
        domainXml,
        vmState,
        powerState,
        error,
        null,
        null);
  }
}
