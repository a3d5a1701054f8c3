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
    String error) {

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
    return new MoveView(
        request == null ? null : request.moveId(),
        request == null ? null : request.type(),
        instance == null ? null : instance.id,
        source,
        dest,
        machine.state().novaName(),
        machine.isFinal(),
        machine.log(),
        errors.isEmpty() ? null : String.join("; ", errors));
  }
}
