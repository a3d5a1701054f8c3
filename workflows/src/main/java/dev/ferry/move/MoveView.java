package dev.ferry.move;

import dev.ferry.model.MoveType;
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
    String error) {}
