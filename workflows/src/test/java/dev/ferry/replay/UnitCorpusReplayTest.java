package dev.ferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.ferry.testing.UnitCorpus;
import dev.ferry.testing.UnitCorpus.Row;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every history of the unit corpus ({@code unit-histories/<TestClass>/}, exported from the unit
 * tests' environments by {@code UnitCorpusRecorder}) replays against today's implementation
 * classes, the ones ReplayCorpusTest registers. A failure means a change would break an execution
 * in flight on the path that test walks: guard it with {@code Workflow.getVersion}
 * (CONTRIBUTING.md), do not re-record the history.
 */
class UnitCorpusReplayTest {

  /** The test classes whose scenarios the corpus must hold (CONTRIBUTING.md, "The unit corpus"). */
  static final List<String> TEST_CLASSES =
      List.of(
          "dev.ferry.evacuate.EvacuationWorkflowTest",
          "dev.ferry.host.HostCleanupOnArrivalTest",
          "dev.ferry.evacuate.HostDrainAndEvacuationTest",
          "dev.ferry.live.LiveMigrationWorkflowTest",
          "dev.ferry.instance.MovePreflightTest",
          "dev.ferry.action.ReconcileAndResetTest",
          "dev.ferry.resize.ResizeWorkflowTest",
          "dev.ferry.action.ServerActionsTest");

  private static final UnitReplayer REPLAYER = new UnitReplayer();

  @AfterAll
  static void closeReplayer() {
    REPLAYER.close();
  }

  @TestFactory
  Stream<DynamicTest> everyUnitHistoryReplaysWithTodaysCode() {
    List<Row> rows = UnitCorpus.rows();
    assertFalse(rows.isEmpty(), "the unit corpus is empty");
    return rows.stream().map(row -> dynamicTest(row.path(), () -> replays(row)));
  }

  private static void replays(Row row) {
    WorkflowExecutionHistory history = row.history();
    assertEquals(row.type(), Corpus.typeOf(history), "workflow type of " + row.path());
    assertEquals(row.open(), Corpus.isOpen(history), "open/closed of " + row.path());
    assertEquals(row.status(), UnitCorpus.status(history), "status of " + row.path());
    assertTrue(
        Corpus.implementationsByType().containsKey(row.type()),
        () -> row.path() + ": no implementation of " + row.type() + " in Corpus.IMPLEMENTATIONS");
    Exception failure = REPLAYER.replay(history);
    if (failure != null) {
      throw new AssertionError(
          row.path()
              + " ("
              + row.type()
              + " "
              + row.workflowId()
              + ", left by the unit test "
              + row.dir()
              + "#"
              + row.testMethod()
              + ") cannot be replayed by today's code: an execution in flight on that path would"
              + " break at deployment. Guard the change with Workflow.getVersion"
              + " (CONTRIBUTING.md); do not re-record the history.",
          failure);
    }
  }

  /**
   * Each test of those classes left at least one history: a new test is recorded with its class.
   */
  @Test
  void everyTestOfTheClassesLeftHistories() throws ClassNotFoundException {
    List<String> dirs =
        TEST_CLASSES.stream().map(c -> c.substring(c.lastIndexOf('.') + 1)).toList();
    assertEquals(dirs, UnitCorpus.classDirs(), "the unit corpus's class directories");
    Set<String> recorded =
        UnitCorpus.rows().stream()
            .map(r -> r.dir() + "#" + r.testMethod())
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> tests = new TreeSet<>();
    for (String name : TEST_CLASSES) {
      Class<?> testClass = Class.forName(name);
      for (Method m : testClass.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Test.class)) {
          tests.add(testClass.getSimpleName() + "#" + m.getName());
        }
      }
    }
    Set<String> missing = new TreeSet<>(tests);
    missing.removeAll(recorded);
    assertTrue(
        missing.isEmpty(),
        () ->
            "tests without a unit history: "
                + missing
                + "; record them (CONTRIBUTING.md, \"The unit corpus\")");
  }

  @Test
  void everyHistoryFileIsIndexedAndEveryRowHasItsFile() throws IOException {
    Set<String> indexed =
        UnitCorpus.rows().stream().map(Row::path).collect(Collectors.toCollection(TreeSet::new));
    Set<String> files = new TreeSet<>();
    for (String dir : UnitCorpus.classDirs()) {
      try (Stream<Path> list = Files.list(UnitCorpus.dir().resolve(dir))) {
        list.map(p -> dir + "/" + p.getFileName())
            .filter(n -> n.endsWith(".json"))
            .forEach(files::add);
      }
    }
    assertEquals(files, indexed, "unit-histories/*/*.json and the rows of their index.tsv");
  }
}
