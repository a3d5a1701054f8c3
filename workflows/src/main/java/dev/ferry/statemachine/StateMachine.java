package dev.ferry.statemachine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A running instance of a {@link StateTable}: the current state plus the log of every change. Time
 * comes from the caller (Workflow::currentTimeMillis in workflows), so it stays deterministic.
 */
public final class StateMachine<S extends Enum<S>, E extends Enum<E>> {

  /** One entry of the status log: what happened, when, and who asked. */
  public record Change(String from, String event, String to, long atMillis, String actor) {}

  private final StateTable<S, E> table;
  private final LongSupplier clock;
  private final List<Change> log = new ArrayList<>();
  private S state;

  public StateMachine(StateTable<S, E> table, LongSupplier clock) {
    this.table = table;
    this.clock = clock;
    this.state = table.initial();
    log.add(new Change(null, null, state.name(), clock.getAsLong(), "ferry"));
  }

  /**
   * Moves on {@code event}, or throws {@link IllegalTransitionException}. Returns the new state.
   */
  public S fire(E event, String actor) {
    S to =
        table
            .next(state, event)
            .orElseThrow(() -> new IllegalTransitionException(table.name(), state, event));
    log.add(new Change(state.name(), event.name(), to.name(), clock.getAsLong(), actor));
    state = to;
    return to;
  }

  public boolean canFire(E event) {
    return table.next(state, event).isPresent();
  }

  public S state() {
    return state;
  }

  public boolean isFinal() {
    return table.isFinal(state);
  }

  public List<Change> log() {
    return List.copyOf(log);
  }
}
