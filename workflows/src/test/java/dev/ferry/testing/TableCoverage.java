package dev.ferry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import dev.ferry.statemachine.StateTable;
import dev.ferry.statemachine.StateTable.Transition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The rows of a move's state table the tests of one class walked, collected from the logs of the
 * moves they ran: after the class, every row must have been walked by some test. Registered on the
 * class with {@code @RegisterExtension} (a static field): it counts the tests that ran and checks
 * the table after all of them.
 */
public final class TableCoverage<S extends Enum<S>, E extends Enum<E>>
    implements AfterEachCallback, AfterAllCallback {

  private final StateTable<S, E> table;
  private final Class<S> statuses;
  private final Class<E> events;
  private final Set<Transition<S, E>> walked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger testsRun = new AtomicInteger();

  public TableCoverage(StateTable<S, E> table, Class<S> statuses, Class<E> events) {
    this.table = table;
    this.statuses = statuses;
    this.events = events;
  }

  /** Notes every transition of the move's log. */
  public void walked(MoveView view) {
    for (Change c : view.log()) {
      if (c.from() != null) {
        walked.add(
            new Transition<>(
                Enum.valueOf(statuses, c.from()),
                Enum.valueOf(events, c.event()),
                Enum.valueOf(statuses, c.to())));
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    testsRun.incrementAndGet();
  }

  /** Every row was walked by at least one test, when all the tests of the class ran. */
  @Override
  public void afterAll(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    long tests =
        Arrays.stream(testClass.getDeclaredMethods())
            .filter(m -> m.isAnnotationPresent(Test.class))
            .count();
    if (testsRun.get() < tests) {
      return; // a subset ran (-Dtest=...#method): coverage cannot be judged
    }
    List<Transition<S, E>> missing = new ArrayList<>(table.transitions());
    missing.removeAll(walked);
    assertEquals(List.of(), missing, "table rows no test walks");
  }
}
