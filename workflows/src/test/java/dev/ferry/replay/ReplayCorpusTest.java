package dev.ferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.replay.Corpus.Entry;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every history of the corpus (histories/index.tsv, recorded from real runs by {@code
 * scripts/record-histories.sh}) replays against today's workflow code. A failure here means a
 * change would break workflows that are in flight when it is deployed: guard it with {@code
 * Workflow.getVersion} (CONTRIBUTING.md), do not re-record the history.
 */
class ReplayCorpusTest {

  static Stream<Entry> histories() {
    return Corpus.entries().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void replaysWithTodaysCode(Entry entry) throws Exception {
    Class<?> impl = Corpus.implementationsByType().get(entry.workflowType());
    assertNotNull(
        impl,
        () ->
            "no implementation for workflow type "
                + entry.workflowType()
                + " of "
                + entry.file()
                + ": add its class to Corpus.IMPLEMENTATIONS");
    // Throws when the history cannot be replayed, e.g. with a NonDeterministicException when
    // today's code issues other commands than the recorded ones.
    try {
      WorkflowReplayer.replayWorkflowExecution(entry.history(), impl);
    } catch (Exception e) {
      throw new AssertionError(
          entry.file()
              + " ("
              + entry.shows()
              + ") cannot be replayed by today's "
              + impl.getSimpleName()
              + ": a workflow in flight at deployment would break. Guard the change with"
              + " Workflow.getVersion (CONTRIBUTING.md); do not re-record the history.",
          e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void indexSaysWhatTheHistoryShows(Entry entry) {
    WorkflowExecutionHistory history = entry.history();
    assertEquals(entry.workflowType(), Corpus.typeOf(history), "workflow type of " + entry.file());
    assertEquals(entry.open(), Corpus.isOpen(history), "open/closed of " + entry.file());
    for (String category : entry.categories()) {
      BiPredicate<Entry, WorkflowExecutionHistory> evidence = Corpus.CATEGORIES.get(category);
      assertNotNull(
          evidence,
          () ->
              entry.file()
                  + ": unknown category '"
                  + category
                  + "'; known: "
                  + Corpus.CATEGORIES.keySet()
                  + " (a new one needs its evidence in Corpus.CATEGORIES)");
      assertTrue(
          evidence.test(entry, history),
          () ->
              entry.file() + " is indexed as '" + category + "' but its history does not show it");
    }
  }

  @Test
  void corpusCoversEveryRequiredCategory() {
    Set<String> covered = new TreeSet<>();
    for (Entry entry : Corpus.entries()) {
      WorkflowExecutionHistory history = entry.history();
      for (String category : entry.categories()) {
        BiPredicate<Entry, WorkflowExecutionHistory> evidence = Corpus.CATEGORIES.get(category);
        if (evidence != null && evidence.test(entry, history)) {
          covered.add(category);
        }
      }
    }
    List<String> missing = new ArrayList<>(Corpus.REQUIRED);
    missing.removeAll(covered);
    assertTrue(
        missing.isEmpty(),
        () ->
            "the replay corpus lacks "
                + missing
                + " (has "
                + covered
                + "): record them with scripts/record-histories.sh");
  }

  @Test
  void everyHistoryFileIsIndexedAndEveryRowHasItsFile() throws IOException {
    Set<String> indexed =
        Corpus.entries().stream().map(Entry::file).collect(Collectors.toCollection(TreeSet::new));
    Set<String> files;
    try (Stream<Path> list = Files.list(Corpus.dir())) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, indexed, "histories/*.json and the rows of histories/index.tsv");
  }
}
