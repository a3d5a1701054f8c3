package dev.ferry.instance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.MovePreflight;
import dev.ferry.model.MoveType;
import dev.ferry.model.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The move refusals that need the hosts' records, placement and the fencing configuration. */
class MovePreflightRulesTest {

  /** Facts from a map of host records; placement admits unless told otherwise. */
  private static final class Facts implements MovePreflightRules.Facts {
    final Map<String, HostRecord> hosts = new HashMap<>();
    final List<ClaimRequest> claimsAsked = new ArrayList<>();
    Settings settings = Settings.DEFAULTS;
    ClaimCheck placement = ClaimCheck.fits("h2");
    String fencingProblem;

    Facts host(String name, HostStatus status) {
      HostRecord h = new HostRecord();
      h.name = name;
      h.status = status;
      h.hypervisorType = "QEMU";
      h.hypervisorVersion = 9_000_000;
      hosts.put(name, h);
      return this;
    }

    @Override
    public HostRecord host(String name) {
      HostRecord h = hosts.get(name);
      if (h == null) {
        throw new FerryRejection(Reason.UNKNOWN_HOST, "unknown host '" + name + "'");
      }
      return h;
    }

    @Override
    public Settings settings() {
      return settings;
    }

    @Override
    public ClaimCheck checkClaim(ClaimRequest request) {
      claimsAsked.add(request);
      return placement;
    }

    @Override
    public void requireFencing(HostRecord host, MovePreflight preflight) {
      if (fencingProblem != null) {
        throw new FerryRejection(Reason.NOT_CONFIGURED, fencingProblem);
      }
    }
  }

  private static Facts twoHostsUp() {
    return new Facts().host("h1", HostStatus.UP).host("h2", HostStatus.UP);
  }

  private static MovePreflight move(MoveType type, String dest) {
    String flavor = type == MoveType.RESIZE ? "m1.medium" : "m1.small";
    return new MovePreflight(
        "m1", type, "id-1", "web-1", "h1", dest, Flavors.require(flavor), null, "ops");
  }

  private static FerryRejection refused(MovePreflight p, Facts facts) {
    return assertThrows(FerryRejection.class, () -> MovePreflightRules.check(p, facts));
  }

  @Test
  void aMoveFromADownOrForcedDownSourceIsRefusedAndEvacuationIsSuggested() {
    for (MoveType type :
        List.of(MoveType.COLD_MIGRATION, MoveType.RESIZE, MoveType.LIVE_MIGRATION)) {
      Facts down = twoHostsUp().host("h1", HostStatus.DOWN);
      FerryRejection r = refused(move(type, null), down);
      assertEquals(Reason.HOST_UNAVAILABLE, r.reason(), type + ": " + r.getMessage());
      assertTrue(r.getMessage().contains("ferry evacuate web-1"), r.getMessage());
      Facts forced = twoHostsUp();
      forced.hosts.get("h1").forcedDown = true;
      assertTrue(refused(move(type, null), forced).getMessage().contains("forced down"));
    }
  }

  @Test
  void anEvacuationNeedsAFailedSourceAndAFencingMethodThatCanFenceIt() {
    FerryRejection up = refused(move(MoveType.EVACUATION, null), twoHostsUp());
    assertEquals(Reason.HOST_IN_USE, up.reason());
    Facts down = twoHostsUp().host("h1", HostStatus.DOWN);
    down.fencingProblem = "ipmi fencing is not configured for host h1";
    FerryRejection unfenced = refused(move(MoveType.EVACUATION, null), down);
    assertEquals(Reason.NOT_CONFIGURED, unfenced.reason());
    assertEquals(
        Reason.UNKNOWN_HOST,
        refused(move(MoveType.EVACUATION, "h9"), down).reason(),
        "what the request names is answered before the fencing configuration");
    down.fencingProblem = null;
    assertEquals("h2", MovePreflightRules.check(move(MoveType.EVACUATION, null), down));
  }

  @Test
  void aNamedDestinationMustBeKnownAnotherHostUpEnabledAndRunTheSameHypervisor() {
    assertEquals(
        Reason.UNKNOWN_HOST, refused(move(MoveType.COLD_MIGRATION, "h9"), twoHostsUp()).reason());
    assertEquals(
        Reason.SAME_HOST, refused(move(MoveType.COLD_MIGRATION, "h1"), twoHostsUp()).reason());
    assertEquals(
        Reason.HOST_UNAVAILABLE,
        refused(move(MoveType.LIVE_MIGRATION, "h2"), twoHostsUp().host("h2", HostStatus.DOWN))
            .reason());
    Facts disabled = twoHostsUp();
    disabled.hosts.get("h2").enabled = false;
    disabled.hosts.get("h2").disabledReason = "maintenance";
    FerryRejection r = refused(move(MoveType.RESIZE, "h2"), disabled);
    assertEquals(Reason.HOST_UNAVAILABLE, r.reason());
    assertTrue(r.getMessage().contains("maintenance"), r.getMessage());
    Facts xen = twoHostsUp();
    xen.hosts.get("h2").hypervisorType = "Xen";
    assertEquals(
        Reason.HYPERVISOR_INCOMPATIBLE, refused(move(MoveType.COLD_MIGRATION, "h2"), xen).reason());
    Facts older = twoHostsUp();
    older.hosts.get("h2").hypervisorVersion = 8_000_000;
    assertEquals(
        Reason.HYPERVISOR_INCOMPATIBLE,
        refused(move(MoveType.LIVE_MIGRATION, "h2"), older).reason());
  }

  @Test
  void aResizeMayStayOnItsHostOnlyWhenTheClusterAllowsIt() {
    assertEquals(Reason.SAME_HOST, refused(move(MoveType.RESIZE, "h1"), twoHostsUp()).reason());
    Facts allowed = twoHostsUp();
    allowed.settings = new Settings(true, 3600, 1, 60);
    assertDoesNotThrow(() -> MovePreflightRules.check(move(MoveType.RESIZE, "h1"), allowed));
    assertEquals(List.of(), allowed.claimsAsked.get(0).excludeHosts());
    assertEquals(
        Reason.SAME_HOST,
        refused(move(MoveType.COLD_MIGRATION, "h1"), allowed).reason(),
        "a cold migration always leaves its host");
  }

  @Test
  void placementIsAskedAboutTheClaimTheMoveWillMakeAndItsRefusalIsTheAnswer() {
    Facts full = twoHostsUp();
    full.placement =
        ClaimCheck.refused(
            new FerryRejection(Reason.NO_VALID_HOST, "no valid host found: [h2 is full]"));
    FerryRejection r = refused(move(MoveType.RESIZE, null), full);
    assertEquals(Reason.NO_VALID_HOST, r.reason());
    ClaimRequest asked = full.claimsAsked.get(0);
    assertEquals("move:m1", asked.consumerId());
    assertEquals(Flavors.require("m1.medium").resources(), asked.resources());
    assertEquals(List.of("h1"), asked.excludeHosts());
    assertEquals("h1", asked.likeHost(), "the destination must run the source's hypervisor");
  }
}
