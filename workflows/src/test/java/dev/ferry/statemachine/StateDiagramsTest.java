package dev.ferry.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.evacuate.EvacuationStateTable;
import dev.ferry.live.LiveMigrationStateTable;
import dev.ferry.resize.ResizeStateTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The diagrams under docs/ are generated from the state tables and must match them. Regenerate with
 * {@code mvn test -pl workflows -Dtest=StateDiagramsTest -Dferry.writeDiagrams=true}.
 */
class StateDiagramsTest {
  private static final Path DOCS = Path.of("..", "docs");
  private static final Map<String, StateTable<?, ?>> TABLES =
      Map.of(
          "resize-states.puml",
          ResizeStateTable.TABLE,
          "evacuation-states.puml",
          EvacuationStateTable.TABLE,
          "live-migration-states.puml",
          LiveMigrationStateTable.TABLE);

  @Test
  void committedDiagramsMatchTheTables() throws IOException {
    boolean write = Boolean.getBoolean("ferry.writeDiagrams");
    for (var entry : TABLES.entrySet()) {
      Path file = DOCS.resolve(entry.getKey());
      String expected = entry.getValue().toPlantUml();
      if (write) {
        Files.writeString(file, expected);
      }
      assertEquals(
          expected,
          Files.exists(file) ? Files.readString(file) : "(missing " + file + ")",
          file + " is out of date: regenerate it (see this test's javadoc)");
    }
  }
}
