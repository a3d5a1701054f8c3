package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ferry.model.ShutdownWait;
import dev.ferry.model.ShutdownWait.GuestReadiness;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The guest's readiness for ACPI from this agent's start of it and its live XML. Pure: libvirt's
 * test driver keeps no guest agent channel state, so live XML of a qemu guest is written here.
 */
class ShutdownReadinessTest {

  private static final Duration LONG_AGO = ShutdownReadiness.STILL_BOOTING.plusSeconds(1);

  @Test
  void aConnectedGuestAgentMeansTheOsIsUpAndIgnoresAcpi() {
    ShutdownReadiness r = ShutdownReadiness.of(null, liveXml("connected"));

    assertEquals(GuestReadiness.IGNORING_ACPI, r.guest());
    assertNull(r.startedAgo());
  }

  @Test
  void aConnectedGuestAgentOutweighsARecentStart() {
    ShutdownReadiness r = ShutdownReadiness.of(Duration.ofSeconds(20), liveXml("connected"));

    assertEquals(GuestReadiness.IGNORING_ACPI, r.guest());
  }

  @Test
  void aDisconnectedGuestAgentMeansTheOsIsNotUpYet() {
    assertEquals(
        GuestReadiness.BOOTING, ShutdownReadiness.of(null, liveXml("disconnected")).guest());
    assertEquals(
        GuestReadiness.BOOTING, ShutdownReadiness.of(LONG_AGO, liveXml("disconnected")).guest());
  }

  @Test
  void aRecentStartByThisAgentIsBootingWhateverTheXml() {
    ShutdownReadiness r = ShutdownReadiness.of(Duration.ofSeconds(3), null);

    assertEquals(GuestReadiness.BOOTING, r.guest());
    assertEquals("it may still be booting (started 3 s ago)", r.why());
    assertEquals(
        GuestReadiness.BOOTING,
        ShutdownReadiness.of(Duration.ofSeconds(59), liveXml(null)).guest());
  }

  @Test
  void withoutARecentStartOrAGuestAgentStateNobodyCanTell() {
    assertEquals(GuestReadiness.UNKNOWN, ShutdownReadiness.of(LONG_AGO, liveXml(null)).guest());
    assertEquals(GuestReadiness.UNKNOWN, ShutdownReadiness.of(null, noChannelXml()).guest());
    assertEquals(GuestReadiness.UNKNOWN, ShutdownReadiness.of(null, null).guest());
    assertEquals(GuestReadiness.UNKNOWN, ShutdownReadiness.of(null, "<domain").guest());
    assertEquals(
        GuestReadiness.UNKNOWN,
        ShutdownReadiness.of(null, spiceAgentXml()).guest(),
        "another agent's channel says nothing of the guest agent");
  }

  @Test
  void readsTheGuestAgentChannelsState() {
    assertEquals("connected", ShutdownReadiness.guestAgentState(liveXml("connected")));
    assertEquals("disconnected", ShutdownReadiness.guestAgentState(liveXml("disconnected")));
    assertNull(ShutdownReadiness.guestAgentState(liveXml(null)), "inactive XML has no state");
    assertNull(ShutdownReadiness.guestAgentState(noChannelXml()));
    assertNull(ShutdownReadiness.guestAgentState(spiceAgentXml()));
  }

  @Test
  void heartbeatsCountTheStartOnAsTheWaitGoesOn() {
    ShutdownReadiness r = ShutdownReadiness.of(Duration.ofSeconds(3), null);

    assertEquals(new ShutdownWait(2_500, 60, GuestReadiness.BOOTING, 5L), r.heartbeat(2_500, 60));
    assertEquals(
        new ShutdownWait(2_500, 60, GuestReadiness.UNKNOWN, null),
        ShutdownReadiness.of(null, null).heartbeat(2_500, 60));
  }

  /** A running qemu guest's XML with a guest agent channel in {@code state} (null: none). */
  private static String liveXml(String state) {
    return """
        <domain type='kvm' id='7'>
          <name>web-1</name>
          <devices>
            <channel type='unix'>
              <source mode='bind' path='/run/libvirt/qemu/channel/7-web-1/org.qemu.guest_agent.0'/>
              <target type='virtio' name='org.qemu.guest_agent.0'%s/>
              <alias name='channel0'/>
              <address type='virtio-serial' controller='0' bus='0' port='1'/>
            </channel>
          </devices>
        </domain>
        """
        .formatted(state == null ? "" : " state='" + state + "'");
  }

  private static String noChannelXml() {
    return "<domain type='kvm' id='7'><name>web-1</name><devices/></domain>";
  }

  private static String spiceAgentXml() {
    return """
        <domain type='kvm' id='7'><name>web-1</name><devices>
          <channel type='spicevmc'>
            <target type='virtio' name='com.redhat.spice.0' state='connected'/>
          </channel>
        </devices></domain>
        """;
  }
}
