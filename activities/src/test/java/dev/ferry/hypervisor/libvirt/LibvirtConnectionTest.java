package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEventType;

class LibvirtConnectionTest {

  private static final String UNREACHABLE = "qemu+unix:///system?socket=/nonexistent";
  private static final String DOMAIN =
      "<domain type='test'><name>probe</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
          + "<os><type arch='x86_64'>hvm</type></os></domain>";

  /** Fast health checks and backoff, so a simulated daemon restart takes milliseconds. */
  private static final LibvirtConnection.Options FAST =
      new LibvirtConnection.Options(
          Duration.ofSeconds(5),
          Duration.ofMillis(20),
          Duration.ofMillis(10),
          Duration.ofMillis(40),
          2,
          3);

  @Test
  void anUnreachableUriFailsFastNamingTheUri() {
    LibvirtUnavailableException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () ->
                assertThrows(
                    LibvirtUnavailableException.class, () -> LibvirtConnection.open(UNREACHABLE)));

    assertTrue(e.getMessage().contains(UNREACHABLE), e.getMessage());
    assertTrue(e.getMessage().contains("/nonexistent"), "libvirt's reason too: " + e.getMessage());
  }

  @Test
  void aTestHostKeepsOneConnectionAndItsStateForItsLife() throws Exception {
    try (LibvirtConnection connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_B))) {
      connection.call(c -> c.domainDefineXML(DOMAIN));

      assertTrue(connection.isHealthy());
      assertEquals("probe", connection.call(c -> c.domainLookupByName("probe").getName()));
    }
  }

  @Test
  void everyOpenOfATestUriIsAFreshHost() throws Exception {
    try (LibvirtConnection first = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_B));
        LibvirtConnection second = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_B))) {
      first.call(c -> c.domainDefineXML(DOMAIN));

      assertEquals(1, first.call(Connect::numOfDefinedDomains));
      assertEquals(0, second.call(Connect::numOfDefinedDomains));
    }
  }

  @Test
  void aClosedConnectionIsUnhealthyAndCallsFailNamingTheUri() {
    LibvirtConnection connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_B));
    connection.close();

    assertFalse(connection.isHealthy());
    LibvirtUnavailableException e =
        assertThrows(LibvirtUnavailableException.class, () -> connection.call(Connect::getType));
    assertTrue(e.getMessage().contains(TestHosts.uri(TestHosts.HOST_B)), e.getMessage());
  }

  @Test
  void libvirtErrorsOnALiveConnectionAreLibvirtsAnswer() {
    try (LibvirtConnection connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_B))) {
      LibvirtException e =
          assertThrows(
              LibvirtException.class, () -> connection.call(c -> c.domainLookupByName("nope")));

      assertTrue(LibvirtFailures.isNoDomain(e));
      assertTrue(connection.isHealthy(), "a missing domain says nothing about the connection");
    }
  }

  @Test
  void concurrentCallsShareTheConnection() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (LibvirtConnection connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A))) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    String name = "c" + thread + "-" + i;
                    connection.call(c -> c.domainDefineXML(DOMAIN.replace("probe", name)));
                    connection.call(c -> c.domainLookupByName(name).getInfo());
                  }
                  return 25;
                }));
      }
      for (Future<Integer> f : results) {
        assertEquals(25, f.get());
      }
      // 200 defined here, plus host-a's two shut-off preset domains
      assertEquals(202, connection.call(Connect::numOfDefinedDomains));
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A real libvirtd restart, simulated: the test driver stands in for the daemon, and "the daemon
   * dies" is its connection closing under us. Unhealthy while it cannot reconnect, healthy after.
   */
  @Test
  void aLostConnectionIsReportedAndReestablished() throws Exception {
    AtomicBoolean daemonUp = new AtomicBoolean(true);
    AtomicInteger opens = new AtomicInteger();
    String host = TestHosts.uri(TestHosts.HOST_B);
    LibvirtConnection.Connector connector =
        uri -> {
          opens.incrementAndGet();
          return daemonUp.get() ? new Connect(uri) : new Connect(UNREACHABLE);
        };
    try (LibvirtConnection connection = new LibvirtConnection(host, true, FAST, connector)) {
      connection.call(c -> c.domainDefineXML(DOMAIN));

      daemonUp.set(false);
      connection.call(
          c -> {
            c.close(); // the daemon went away
            return null;
          });
      await(() -> !connection.isHealthy());
      LibvirtUnavailableException e =
          assertThrows(LibvirtUnavailableException.class, () -> connection.call(Connect::getType));
      assertTrue(e.getMessage().contains(host), e.getMessage());
      int opensWhileDown = opens.get();
      await(() -> opens.get() >= opensWhileDown + 2); // retrying with backoff
      assertFalse(connection.isHealthy());

      daemonUp.set(true);
      await(connection::isHealthy);
      assertEquals("TEST", connection.call(Connect::getType));
      assertEquals(
          0,
          connection.call(Connect::numOfDefinedDomains),
          "a new test-driver connection is a new host: the old state is gone");
    }
  }

  /** A fresh connection has none of the old one's listeners: the open hook puts them back. */
  @Test
  void lifecycleEventsArriveAgainAfterAReconnect() throws Exception {
    String host = TestHosts.uri(TestHosts.HOST_B);
    try (LibvirtConnection connection = new LibvirtConnection(host, true, FAST, Connect::new)) {
      LibvirtEventLoop.start();
      LifecycleEvents events = LifecycleEvents.listen(connection, 16);
      events.takeOverflow();

      connection.call(
          c -> {
            c.close(); // the daemon went away and came back
            return null;
          });
      // registered on the fresh connection, which asks for a full pass (what happened meanwhile
      // is unknown)
      await(events::takeOverflow);
      await(connection::isHealthy);
      connection.call(c -> c.domainDefineXML(DOMAIN).create());

      LifecycleEvents.Event defined = events.poll(Duration.ofSeconds(5));
      assertEquals(DomainEventType.DEFINED, defined == null ? null : defined.type());
    }
  }

  /**
   * Every hook undoes its set-up on a connection before that connection is closed, on close and on
   * a reconnect, while the connection still works: libvirt must not keep calling an event listener
   * whose Java side may be collected once its connection is gone (a use-after-free in the event
   * loop crashed this module's test JVM before).
   */
  @Test
  void hooksUndoTheirSetUpOnAConnectionBeforeItIsClosed() throws Exception {
    String host = TestHosts.uri(TestHosts.HOST_B);
    List<String> seen = new CopyOnWriteArrayList<>();
    List<Integer> answered = new CopyOnWriteArrayList<>();
    int second;
    try (LibvirtConnection connection = new LibvirtConnection(host, true, FAST, Connect::new)) {
      connection.onEveryOpen(
          new LibvirtConnection.OpenHook() {
            @Override
            public void opened(Connect c) throws LibvirtException {
              seen.add("opened " + System.identityHashCode(c));
            }

            @Override
            public void closing(Connect c) {
              seen.add("closing " + System.identityHashCode(c));
              try {
                c.getVersion(); // a connection closed by us still answers here
                answered.add(System.identityHashCode(c));
              } catch (LibvirtException | RuntimeException lost) {
                // the lost one (closed under us above) cannot
              }
            }
          });
      int first = connection.call(System::identityHashCode);
      connection.call(
          c -> {
            c.close(); // the daemon went away and came back
            return null;
          });
      await(() -> seen.size() == 3 && connection.isHealthy());
      second = connection.call(System::identityHashCode);
      // a reconnect sets the fresh connection up, then lets go of the lost one
      assertEquals(List.of("opened " + first, "opened " + second, "closing " + first), seen);
    }
    assertEquals("closing " + second, seen.get(3), seen.toString());
    assertEquals(List.of(second), answered, "the last one was undone while it still worked");
  }

  @Test
  void aCallThatFailsOnADeadConnectionMarksItLost() throws Exception {
    String host = TestHosts.uri(TestHosts.HOST_B);
    LibvirtConnection.Options slowChecks =
        new LibvirtConnection.Options(
            Duration.ofSeconds(5),
            Duration.ofMinutes(10),
            Duration.ofMillis(10),
            Duration.ofMillis(40),
            2,
            3);
    try (LibvirtConnection connection =
        new LibvirtConnection(host, true, slowChecks, Connect::new)) {
      assertThrows(
          LibvirtUnavailableException.class,
          () ->
              connection.call(
                  c -> {
                    c.close(); // dies mid-call
                    return c.getType();
                  }));
      await(connection::isHealthy); // reconnected without waiting for the periodic check
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(5);
    }
  }
}
