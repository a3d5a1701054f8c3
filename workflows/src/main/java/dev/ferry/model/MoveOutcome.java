package dev.ferry.model;

/**
 * What a move tells its instance when it closes: where the instance is now and in what state. Every
 * field is authoritative for the record.
 *
 * <p>{@code sourceHost} and {@code destHost} say where the move went from and to, whatever its end
 * ({@code host}: after a revert or a rollback it is the source). Null in outcomes from before they
 * existed and from moves that do not set them; {@code destHost} also when no destination was
 * chosen.
 *
 * <p>{@code type} and {@code startedAtMillis} say which move this was, so a close reported after
 * the instance freed its lock (or started another move) is recorded as itself. Null in outcomes
 * from before they existed: the instance then reads its current move's.
 *
 * <p>{@code note} is what the move wants the operator to know and is no failure (e.g. the local
 * data an evacuation could not bring along); {@code error} is for failures only. Null in outcomes
 * from before it existed and from moves with nothing to say.
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
    String destHost,
    MoveType type,
    Long startedAtMillis,
    String note) {

  /** An outcome that does not say which move it was (the move's channel stamps it: {@link #of}). */
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
      String error,
      String sourceHost,
      String destHost) {
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
        sourceHost,
        destHost,
        null,
        null,
        null);
  }

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

  /** This outcome, saying which move it was: its type and when its instance started it. */
  public MoveOutcome of(MoveType moveType, Long moveStartedAtMillis) {
    return new MoveOutcome(
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
        sourceHost,
        destHost,
        moveType,
        moveStartedAtMillis,
        note);
  }

  /** This outcome with {@code text} as its note (null: none). */
  public MoveOutcome withNote(String text) {
    return new MoveOutcome(
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
        sourceHost,
        destHost,
        type,
        startedAtMillis,
        text);
  }
}
