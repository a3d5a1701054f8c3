package dev.ferry.host.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LibvirtUnavailableException;
import dev.ferry.hypervisor.libvirt.TestHosts;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.libvirt.LibvirtException;

/** The lease deadline as the gate of the agent's libvirt writes, on libvirt's test driver. */
class LeaseDeadlineTest {
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final LeaseDeadline lease = new LeaseDeadline(TestHosts.HOST_A, clock::get);
  private final LibvirtConnection libvirt = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A));

  {
    libvirt.gateWrites(lease);
  }

  @AfterEach
  void close() {
    libvirt.close();
  }

  @Test
  void aFreshAgentWritesNothingBeforeItsFirstAcknowledgedHeartbeatButReads() throws Exception {
    assertThrows(LeaseLostException.class, () -> define("before-lease"));

    assertFalse(domains().contains("before-lease"), "no side effect of a refused write");
  }

  @Test
  void aWriteIsAllowedWhileAnAcknowledgedHeartbeatCoversNowAndRefusedPastTheDeadline()
      throws Exception {
    long sent = clock.get();
    lease.acknowledged(sent, HEARTBEAT_TIMEOUT);
    advance(HEARTBEAT_TIMEOUT.minus(LeaseDeadline.MARGIN).minusMillis(1));
    define("covered");

    advance(Duration.ofMillis(1)); // sent + heartbeat timeout - margin
    LibvirtUnavailableException refused =
        assertThrows(LibvirtUnavailableException.class, () -> define("past-deadline"));

    assertInstanceOf(LeaseLostException.class, refused, "retryable, as an unreachable libvirt");
    assertEquals(
        "the agent of host host-a has lost its lease: not writing to libvirt until it has"
            + " registered again",
        refused.getMessage());
    List<String> names = domains();
    assertTrue(names.contains("covered"), names.toString());
    assertFalse(names.contains("past-deadline"), names.toString());
  }

  @Test
  void aFreshAcknowledgedHeartbeatAllowsWritesAgain() throws Exception {
    lease.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    advance(Duration.ofSeconds(30));
    assertThrows(LeaseLostException.class, () -> define("while-lost"));

    lease.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    define("after-fresh-heartbeat");

    assertTrue(domains().contains("after-fresh-heartbeat"));
  }

  @Test
  void anExpiredLeaseRefusesWritesAtOnceAndAHeartbeatSentBeforeTheExpiryDoesNotReviveIt() {
    long sentBefore = clock.get();
    lease.acknowledged(sentBefore, HEARTBEAT_TIMEOUT);
    advance(Duration.ofMillis(100));

    lease.expire("test");
    assertThrows(LeaseLostException.class, () -> define("expired"));
    lease.acknowledged(sentBefore, HEARTBEAT_TIMEOUT); // its answer arrives after the expiry

    assertFalse(lease.isLive());
    assertThrows(LeaseLostException.class, () -> define("expired"));
  }

  @Test
  void readsAreAllowedWhetherOrNotTheLeaseIsLive() throws Exception {
    assertFalse(lease.isLive());
    assertFalse(domains().isEmpty(), "the test host has domains to see");
    lease.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    assertFalse(domains().isEmpty());
  }

  @Test
  void theJoinWritesWhileTheLeaseIsNotLiveAndOnlyOnItsOwnThread() throws Exception {
    CompletableFuture<Throwable> elsewhere = new CompletableFuture<>();

    lease.joining(
        () -> {
          try {
            define("cleanup-write");
          } catch (LibvirtException e) {
            throw new IllegalStateException(e);
          }
          // an activity's thread meanwhile: still gated
          Thread other =
              new Thread(
                  () -> {
                    try {
                      define("activity-write");
                      elsewhere.complete(null);
                    } catch (Throwable t) {
                      elsewhere.complete(t);
                    }
                  });
          other.start();
          return elsewhere.join();
        });

    assertInstanceOf(LeaseLostException.class, elsewhere.get());
    assertThrows(LeaseLostException.class, () -> define("after-join"), "only while joining");
    List<String> names = domains();
    assertTrue(names.contains("cleanup-write"), names.toString());
    assertFalse(names.contains("activity-write"), names.toString());
  }

  private void define(String name) throws LibvirtException {
    libvirt.call(
        c ->
            c.domainDefineXML(
                "<domain type='test'><name>"
                    + name
                    + "</name><memory>1024</memory><os><type>hvm</type></os></domain>"));
  }

  private List<String> domains() throws LibvirtException {
    return libvirt.read(c -> Arrays.asList(c.listDefinedDomains()));
  }

  private void advance(Duration by) {
    clock.addAndGet(by.toNanos());
  }
}
