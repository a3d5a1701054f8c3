package dev.ferry.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostInventory;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A move's claim lands only on a host that runs its source's hypervisor, at least its version; a
 * host whose hypervisor is not known yet is not refused for it.
 */
class PlacementHypervisorTest {
  private static final HostInventory BIG = new HostInventory(8, 8192, 80, 1.0, 1.0, 1.0);
  private static final Resources SMALL = new Resources(1, 512, 1);

  private static PlacementState state(HostSummary... hosts) {
    PlacementState s = new PlacementState();
    for (HostSummary h : hosts) {
      s.hosts.put(h.name(), h);
    }
    return s;
  }

  private static HostSummary host(String name, String type, long version) {
    return new HostSummary(name, HostStatus.UP, true, false, BIG, type, version);
  }

  private static ClaimRequest fromH1(String dest) {
    return new ClaimRequest("move:m1", SMALL, dest, List.of("h1")).like("h1");
  }

  @Test
  void aNamedHostOfAnotherHypervisorTypeOrAnOlderVersionIsRefused() {
    PlacementState s =
        state(host("h1", "QEMU", 9_000_000), host("xen", "Xen", 9_000_000), host("old", "QEMU", 1));
    FerryRejection type =
        assertThrows(FerryRejection.class, () -> PlacementRules.chooseHost(s, fromH1("xen")));
    assertEquals(Reason.HYPERVISOR_INCOMPATIBLE, type.reason());
    assertTrue(type.getMessage().contains("runs Xen"), type.getMessage());
    FerryRejection version =
        assertThrows(FerryRejection.class, () -> PlacementRules.chooseHost(s, fromH1("old")));
    assertEquals(Reason.HYPERVISOR_INCOMPATIBLE, version.reason());
  }

  @Test
  void theSchedulerSkipsIncompatibleHostsAndSaysWhyWhenNoneIsLeft() {
    PlacementState s =
        state(host("h1", "QEMU", 9_000_000), host("xen", "Xen", 9_000_000), host("h2", "QEMU", 0));
    assertEquals("h2", PlacementRules.chooseHost(s, fromH1(null)), "an unknown version fits");
    s.hosts.remove("h2");
    FerryRejection none =
        assertThrows(FerryRejection.class, () -> PlacementRules.chooseHost(s, fromH1(null)));
    assertEquals(Reason.NO_VALID_HOST, none.reason());
    assertTrue(none.getMessage().contains("runs Xen"), none.getMessage());
  }

  @Test
  void aNewServersClaimOrAHostWithoutAKnownHypervisorIsNotRefusedForIt() {
    PlacementState s = state(host("h1", "QEMU", 9_000_000), host("xen", "Xen", 1));
    assertEquals(
        "xen",
        PlacementRules.chooseHost(s, new ClaimRequest("instance:x", SMALL, "xen", List.of())));
    PlacementState unknown =
        state(host("h1", null, 0), new HostSummary("h2", HostStatus.UP, true, false, BIG));
    assertEquals("h2", PlacementRules.chooseHost(unknown, fromH1(null)));
  }

  @Test
  void checkingAClaimTellsTheVerdictWithoutClaiming() {
    ClaimCheck refused =
        ClaimCheck.refused(new FerryRejection(Reason.NO_VALID_HOST, "no valid host found"));
    FerryRejection r = assertThrows(FerryRejection.class, refused::require);
    assertEquals(Reason.NO_VALID_HOST, r.reason());
    ClaimCheck.fits("h2").require();
  }
}
