package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.GuestObservation;
import dev.ferry.model.GuestState;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;
import org.libvirt.event.DomainEventType;

/**
 * libvirt's lifecycle events and a guest's real state, on libvirt's test driver (host-a of the test
 * resources; its {@code stale-copy} domain carries Ferry's tag at epoch 2 and is shut off). The
 * test driver emits events for changes made through the connection that listens.
 */
class LifecycleEventsTest {

  private static final String TAGGED = "bbbbbbbb-0000-4000-8000-000000000003";
  private static final String UNTAGGED = "aaaaaaaa-0000-4000-8000-000000000001";
  private static final String NOWHERE = "99999999-0000-4000-8000-000000000009";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private LibvirtConnection connection;

  @BeforeEach
  void openHost() {
    connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A));
  }

  @AfterEach
  void closeHost() {
    connection.close();
  }

  @Test
  void changesMadeThroughTheAgentsConnectionArriveAsEventsInOrder() throws Exception {
    LifecycleEvents events = LifecycleEvents.listen(connection, 64);
    assertTrue(events.takeOverflow(), "a new listener first asks for a full pass");
    assertFalse(events.takeOverflow(), "once");

    onDomain(Domain::create);
    assertEvent(events, DomainEventType.STARTED);
    onDomain(Domain::suspend);
    assertEvent(events, DomainEventType.SUSPENDED);
    onDomain(Domain::resume);
    assertEvent(events, DomainEventType.RESUMED);
    onDomain(Domain::destroy);
    LifecycleEvents.Event stopped = assertEvent(events, DomainEventType.STOPPED);
    assertEquals("destroyed", stopped.detail());
    onDomain(Domain::undefine);
    assertEvent(events, DomainEventType.UNDEFINED);
    assertFalse(events.takeOverflow(), "nothing was dropped");
  }

  @Test
  void eventsBeyondTheQueuesCapacityAreDroppedAndAskForAFullPass() throws Exception {
    LifecycleEvents events = LifecycleEvents.listen(connection, 1);
    events.takeOverflow();

    onDomain(Domain::create);
    onDomain(Domain::suspend); // nobody takes the STARTED event meanwhile

    long deadline = System.nanoTime() + WAIT.toNanos();
    boolean overflowed = false;
    while (!overflowed && System.nanoTime() < deadline) {
      overflowed = events.takeOverflow();
      Thread.sleep(10);
    }
    assertTrue(overflowed, "the SUSPENDED event found the queue full");
    assertEvent(events, DomainEventType.STARTED);
    assertEquals(null, events.poll(Duration.ofMillis(200)), "SUSPENDED was not queued");
  }

  @Test
  void theGuestsStateIsReadWithItsReasonAndManagedSave() throws Exception {
    assertEquals(
        Optional.of(
            new GuestObservation(TAGGED, "h1", 2, GuestState.SHUT_OFF, "shut off: unknown")),
        observe(TAGGED));

    onDomain(Domain::create);
    onDomain(Domain::suspend);
    assertEquals(
        new GuestObservation(TAGGED, "h1", 2, GuestState.PAUSED, "paused: user"),
        observe(TAGGED).orElseThrow());

    onDomain(Domain::resume);
    onDomain(Domain::managedSave);
    assertEquals(GuestState.SAVED, observe(TAGGED).orElseThrow().state());

    assertEquals(Optional.empty(), observe(UNTAGGED), "not Ferry's domain: nothing to report");
    assertEquals(
        Optional.of(new GuestObservation(NOWHERE, "h1", -1, GuestState.MISSING, null)),
        observe(NOWHERE));
  }

  @Test
  void reasonsAreSpelledAsVirsh() {
    assertEquals("crashed: panicked", StateReasons.text(6, 1));
    assertEquals("shut off: destroyed", StateReasons.text(5, 2));
    assertEquals("running: 99", StateReasons.text(1, 99));
  }

  private Optional<GuestObservation> observe(String uuid) throws Exception {
    return connection.call(c -> Domains.observe(c, "h1", uuid));
  }

  private interface DomainCall {
    void apply(Domain d) throws org.libvirt.LibvirtException;
  }

  private void onDomain(DomainCall call) throws Exception {
    connection.call(
        c -> {
          call.apply(c.domainLookupByUUIDString(TAGGED));
          return null;
        });
  }

  private static LifecycleEvents.Event assertEvent(LifecycleEvents events, DomainEventType type)
      throws InterruptedException {
    LifecycleEvents.Event event = events.poll(WAIT);
    assertNotNull(event, "no " + type + " event within " + WAIT);
    assertEquals(type, event.type(), event.toString());
    assertEquals(TAGGED, event.uuid());
    return event;
  }
}
