package dev.ferry.statemachine;

/** An event that the state table does not allow in the current state: a bug, failed loudly. */
public final class IllegalTransitionException extends IllegalStateException {
  public IllegalTransitionException(String table, Object state, Object event) {
    super(table + ": no transition from " + state + " on " + event);
  }
}
