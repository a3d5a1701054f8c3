package dev.ferry.move;

import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.NovaStatus;
import dev.ferry.statemachine.StateMachine;
import java.util.List;

/**
 * What every move answers to its {@code status} query: where it is and every status change with its
 * time and actor (`ferry migration show`).
 *
 * @param oldFlavor the flavor's name when the move began; null when the record had none (or the
 *     move answered before its run began)
 * @param newFlavor the flavor the server has after the move: a resize's new one, else the old
 * @param requestedBy who asked for the move (the CLI's user, a host evacuation, ...)
 */
public record MoveView(
    String moveId,
    MoveType type,
    String instanceId,
    String sourceHost,
    String destHost,
    String status,
    boolean finished,
    List<StateMachine.Change> log,
    String error,
    String oldFlavor,
    String newFlavor,
    String requestedBy) {

  /** A view without the flavors and requester (tests, and views rebuilt from a recorded one). */
  public MoveView(
      String moveId,
      MoveType type,
      String instanceId,
      String sourceHost,
      String destHost,
      String status,
      boolean finished,
      List<StateMachine.Change> log,
      String error) {
    this(
        moveId,
        type,
        instanceId,
        sourceHost,
        destHost,
        status,
        finished,
        log,
        error,
        null,
        null,
        null);
  }

  /** This view with another status and error (what the server's record says of an ended move). */
  public MoveView withStatus(String newStatus, String newError) {
    return new MoveView(
        moveId,
        type,
        instanceId,
        sourceHost,
        destHost,
        newStatus,
        finished,
        log,
        newError,
        oldFlavor,
        newFlavor,
        requestedBy);
  }

  /**
   * The view every move workflow answers, from its state: {@code request} and {@code instance} may
   * still be null (a query before the run began); the status is the machine's state in Nova's
   * spelling; the error is the move's errors joined with "; ", null when there are none.
   */
  public static <S extends Enum<S> & NovaStatus> MoveView of(
      MoveRequest request,
      InstanceRecord instance,
      String source,
      String dest,
      StateMachine<S, ?> machine,
      List<String> errors) {
    String oldFlavor = instance == null || instance.flavor == null ? null : instance.flavor.name();
    String requested = request == null ? null : request.flavor();
    return new MoveView(
        request == null ? null : request.moveId(),
        request == null ? null : request.type(),
        instance == null ? null : instance.id,
        source,
        dest,
        machine.state().novaName(),
        machine.isFinal(),
        machine.log(),
        errors.isEmpty() ? null : String.join("; ", errors),
        oldFlavor,
        requested != null ? requested : oldFlavor,
        request == null ? null : request.requestedBy());
  }
}
