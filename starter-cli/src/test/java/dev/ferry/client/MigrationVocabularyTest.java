package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.MoveType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nova's words for Ferry's move types and statuses. */
class MigrationVocabularyTest {

  @Test
  void eachMoveTypeHasNovasWordAndBack() {
    assertEquals("migration", MigrationVocabulary.typeName(MoveType.COLD_MIGRATION));
    assertEquals("resize", MigrationVocabulary.typeName(MoveType.RESIZE));
    assertEquals("live-migration", MigrationVocabulary.typeName(MoveType.LIVE_MIGRATION));
    assertEquals("evacuation", MigrationVocabulary.typeName(MoveType.EVACUATION));
    for (MoveType type : MoveType.values()) {
      assertEquals(type, MigrationVocabulary.parseType(MigrationVocabulary.typeName(type)));
    }
    assertEquals(MoveType.LIVE_MIGRATION, MigrationVocabulary.parseType(" Live-Migration "));
  }

  @Test
  void ferrysOwnEnumNamesAndOtherWordsAreNotTypes() {
    for (String word : List.of("COLD_MIGRATION", "cold", "live", "")) {
      FerryRejection r =
          assertThrows(FerryRejection.class, () -> MigrationVocabulary.parseType(word));
      assertEquals(
          "unknown migration type '"
              + word
              + "': use one of migration, resize, live-migration, evacuation",
          r.getMessage());
    }
  }

  @Test
  void statusesTakeAnySpellingAndComeOutInNovas() {
    assertEquals("pre-migrating", MigrationVocabulary.parseStatus("PRE_MIGRATING"));
    assertEquals("running-post-copy", MigrationVocabulary.parseStatus("running-post-copy"));
    assertEquals("done", MigrationVocabulary.parseStatus("Done"));
    FerryRejection r =
        assertThrows(FerryRejection.class, () -> MigrationVocabulary.parseStatus("paused"));
    assertTrue(r.getMessage().startsWith("unknown migration status 'paused': use one of "));
    assertTrue(r.getMessage().contains("confirmed"), r.getMessage());
  }

  @Test
  void eachTypeReportsOnlyItsOwnStatuses() {
    assertTrue(MigrationVocabulary.statuses(MoveType.COLD_MIGRATION).contains("confirmed"));
    assertEquals(
        MigrationVocabulary.statuses(MoveType.COLD_MIGRATION),
        MigrationVocabulary.statuses(MoveType.RESIZE));
    assertFalse(MigrationVocabulary.statuses(MoveType.LIVE_MIGRATION).contains("confirmed"));
    assertDoesNotThrow(() -> MigrationVocabulary.requireReportedBy(MoveType.EVACUATION, "done"));
    // the word its server's record gives an evacuation once the stale copy is gone
    assertDoesNotThrow(
        () -> MigrationVocabulary.requireReportedBy(MoveType.EVACUATION, "completed"));
    assertDoesNotThrow(() -> MigrationVocabulary.requireReportedBy(null, "done"));
    assertThrows(
        FerryRejection.class,
        () -> MigrationVocabulary.requireReportedBy(MoveType.LIVE_MIGRATION, "confirmed"));
  }
}
