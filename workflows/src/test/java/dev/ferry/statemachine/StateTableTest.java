package dev.ferry.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StateTableTest {
  enum S {
    A,
    B,
    DONE
  }

  enum E {
    GO,
    FINISH
  }

  private final StateTable<S, E> table =
      StateTable.<S, E>of("Test", S.A, S.DONE).add(S.A, E.GO, S.B).add(S.B, E.FINISH, S.DONE);

  @Test
  void firesAllowedTransitionsAndLogsThemWithTimeAndActor() {
    AtomicLong clock = new AtomicLong(100);
    StateMachine<S, E> machine = new StateMachine<>(table, clock::get);
    clock.set(200);
    assertEquals(S.B, machine.fire(E.GO, "alice"));
    assertEquals(S.DONE, machine.fire(E.FINISH, "bob"));
    assertTrue(machine.isFinal());
    assertEquals(3, machine.log().size());
    assertEquals(new StateMachine.Change("A", "GO", "B", 200, "alice"), machine.log().get(1));
  }

  @Test
  void anIllegalTransitionFailsLoudlyAndChangesNothing() {
    StateMachine<S, E> machine = new StateMachine<>(table, () -> 0);
    assertThrows(IllegalTransitionException.class, () -> machine.fire(E.FINISH, "x"));
    assertEquals(S.A, machine.state());
    assertFalse(machine.canFire(E.FINISH));
  }

  @Test
  void theDefinitionRejectsDuplicateRowsAndRowsLeavingAFinalState() {
    assertThrows(IllegalArgumentException.class, () -> table.add(S.A, E.GO, S.DONE));
    assertThrows(IllegalArgumentException.class, () -> table.add(S.DONE, E.GO, S.A));
  }

  @Test
  void rendersPlantUmlFromTheRows() {
    assertEquals(
        "@startuml\n"
            + "' Generated from Test's state table; do not edit by hand.\n"
            + "title Test\n"
            + "[*] --> A\n"
            + "A --> B: GO\n"
            + "B --> DONE: FINISH\n"
            + "DONE --> [*]\n"
            + "@enduml\n",
        table.toPlantUml());
  }
}
