package dev.ferry.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.Claim;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.Resources;
import org.junit.jupiter.api.Test;

/**
 * {@link PlacementRules#requireForgettable}: a host is forgotten only with nothing claimed on it.
 */
class ForgetHostRulesTest {
  private static final Resources TINY = new Resources(1, 512, 1);

  private static PlacementState withHosts(String... names) {
    PlacementState s = new PlacementState();
    for (String n : names) {
      s.hosts.put(n, new HostSummary(n, HostStatus.DOWN, true, false, null));
    }
    return s;
  }

  private static void claim(PlacementState s, String consumer, String host) {
    s.claims.put(consumer, new Claim(consumer, host, TINY));
  }

  @Test
  void aHostWithNothingClaimedOnItOrUnknownToPlacementMayBeForgotten() {
    PlacementState s = withHosts("h1", "h2");
    claim(s, "instance:i1", "h2");
    PlacementRules.requireForgettable(s, "h1");
    PlacementRules.requireForgettable(s, "gone-already");
  }

  @Test
  void serversOnTheHostAreNamedAndCountedWithHowToMoveThem() {
    PlacementState s = withHosts("h1");
    claim(s, "instance:i1", "h1");
    claim(s, "instance:i2", "h1");
    s.instances.put("i1", "web1");

    FerryRejection r =
        assertThrows(FerryRejection.class, () -> PlacementRules.requireForgettable(s, "h1"));

    assertEquals(Reason.HOST_IN_USE, r.reason());
    assertTrue(
        r.getMessage().startsWith("host 'h1' is in use: 2 servers on it (web1, i2)"),
        r.getMessage());
    assertTrue(r.getMessage().contains("'ferry migrate SERVER'"), r.getMessage());
    assertTrue(r.getMessage().contains("'ferry host evacuate h1'"), r.getMessage());
  }

  @Test
  void aMoveUnderWayToTheHostKeepsItToo() {
    PlacementState s = withHosts("h1");
    claim(s, "move:m1", "h1");

    FerryRejection r =
        assertThrows(FerryRejection.class, () -> PlacementRules.requireForgettable(s, "h1"));

    assertEquals(Reason.HOST_IN_USE, r.reason());
    assertTrue(r.getMessage().startsWith("host 'h1' is in use: 1 move to it;"), r.getMessage());
  }
}
