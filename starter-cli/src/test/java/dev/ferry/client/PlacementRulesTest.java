package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.PlacementView;
import dev.ferry.model.PlacementView.HostUsage;
import dev.ferry.model.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's quick reading of placement's view, on placement's own fit rule: which hosts can take
 * what, and which one a new server is proposed for.
 */
class PlacementRulesTest {
  private static final Resources FREE = new Resources(4, 4096, 40);

  private static HostUsage host(
      String name, HostStatus status, boolean enabled, boolean forcedDown, Resources used) {
    return new HostUsage(new HostSummary(name, status, enabled, forcedDown, null), FREE, used);
  }

  private static HostUsage up(String name, Resources used) {
    return host(name, HostStatus.UP, true, false, used);
  }

  @Test
  void aHostTakesWhatFitsExactlyButNotMoreNorWhenDownDisabledOrForcedDown() {
    assertTrue(PlacementRules.canTake(up("a", Resources.NONE), FREE));
    assertFalse(PlacementRules.canTake(up("a", new Resources(0, 1, 0)), FREE));
    assertFalse(PlacementRules.canTake(up("a", new Resources(1, 0, 0)), FREE));
    assertFalse(PlacementRules.canTake(up("a", new Resources(0, 0, 1)), FREE));
    assertFalse(
        PlacementRules.canTake(host("a", HostStatus.DOWN, true, false, Resources.NONE), FREE));
    assertFalse(
        PlacementRules.canTake(host("a", HostStatus.UP, false, false, Resources.NONE), FREE));
    assertFalse(PlacementRules.canTake(host("a", HostStatus.UP, true, true, Resources.NONE), FREE));
  }

  @Test
  void aNewServerIsProposedForTheUsableHostWithTheMostFreeMemoryThenByName() {
    Flavor small = new Flavor("m1.small", 1, 1024, 10);
    PlacementView view =
        new PlacementView(
            null,
            List.of(
                up("c", new Resources(0, 1024, 0)),
                up("b", new Resources(0, 512, 0)),
                up("a", new Resources(0, 512, 0)),
                host("d", HostStatus.UP, true, true, Resources.NONE)),
            List.of(),
            null);
    assertEquals("a", PlacementRules.pickHost(view, small, "server web1"));

    PlacementView full = new PlacementView(null, List.of(up("a", FREE)), List.of(), null);
    FerryRejection r =
        assertThrows(
            FerryRejection.class, () -> PlacementRules.pickHost(full, small, "server web1"));
    assertEquals(Reason.NO_VALID_HOST, r.reason());
    assertEquals(
        "no host can take server web1 with flavor m1.small: every host is down, disabled or full;"
            + " see 'ferry host list'",
        r.getMessage());
  }
}
