package dev.ferry.instance;

import static dev.ferry.instance.InstanceWorkflowTest.ID;
import static dev.ferry.instance.InstanceWorkflowTest.active;
import static dev.ferry.instance.InstanceWorkflowTest.resize;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import org.junit.jupiter.api.Test;

/** What the {@code startMove} validator decides from the instance's record alone. */
class MoveRulesTest {

  private static FerryRejection refused(InstanceRecord record, MoveRequest request) {
    return assertThrows(FerryRejection.class, () -> MoveRules.check(record, request));
  }

  @Test
  void aResizeToAFlavorWithASmallerDiskIsRefusedAsAnInvalidValue() {
    // m1.small has 20 GB of disk, m1.tiny 1 GB
    FerryRejection r = refused(active(), resize("m1", "m1.tiny", null));
    assertEquals(Reason.INVALID_ARGUMENT, r.reason());
    assertEquals(
        "cannot shrink the disk of web-1 from m1.small's 20 GB to m1.tiny's 1 GB: pick a flavor"
            + " with at least 20 GB of disk ('ferry flavor list')",
        r.getMessage());
  }

  @Test
  void aResizeToAFlavorSmallerThanTheServersDiskIsRefused() {
    InstanceRecord big = active();
    big.flavor = Flavors.require("m1.tiny");
    big.diskSizeMb = 4096; // 4 GiB on a 1 GB flavor, e.g. an adopted server
    FerryRejection r = refused(big, resize("m1", "t1.micro", null));
    assertEquals(Reason.INVALID_ARGUMENT, r.reason());
    assertTrue(r.getMessage().contains("4096 MiB"), r.getMessage());
    assertDoesNotThrow(() -> MoveRules.check(big, resize("m1", "m1.small", null)));
  }

  @Test
  void anUnknownFlavorIsNotFoundAndTheSameFlavorIsAnInvalidValue() {
    assertEquals(Reason.UNKNOWN_FLAVOR, refused(active(), resize("m1", "m9.huge", null)).reason());
    assertEquals(
        Reason.INVALID_ARGUMENT, refused(active(), resize("m1", "m1.small", null)).reason());
    assertDoesNotThrow(() -> MoveRules.check(active(), resize("m1", "m1.medium", null)));
  }

  @Test
  void aNegativeConfirmWindowAndInvalidLiveOptionsAreInvalidValues() {
    MoveRequest negative =
        new MoveRequest("m1", MoveType.COLD_MIGRATION, ID, null, null, -1L, "test");
    assertEquals(Reason.INVALID_ARGUMENT, refused(active(), negative).reason());
    MoveRequest badLive =
        new MoveRequest(
            "m1",
            MoveType.LIVE_MIGRATION,
            ID,
            null,
            null,
            null,
            "test",
            null,
            new LiveMigrationOptions(null, null, 0L, null, null, null, null, null, null, null));
    FerryRejection r = refused(active(), badLive);
    assertEquals(Reason.INVALID_ARGUMENT, r.reason());
    assertTrue(r.getMessage().contains("max downtime"), r.getMessage());
  }

  @Test
  void aServerWithoutAFlavorOnRecordCannotBePlaced() {
    InstanceRecord noFlavor = active();
    noFlavor.flavor = null;
    MoveRequest cold = new MoveRequest("m1", MoveType.COLD_MIGRATION, ID, null, null, null, "t");
    assertEquals(Reason.INVALID_STATE, refused(noFlavor, cold).reason());
  }
}
