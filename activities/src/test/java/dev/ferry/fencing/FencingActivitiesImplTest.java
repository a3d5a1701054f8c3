package dev.ferry.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.FenceRequest;
import dev.ferry.evacuate.FenceResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * The fencing methods, called directly (no Temporal): what each accepts, refuses and does. The
 * libvirt-destroy method runs against libvirt's test driver {@code test:///default}, whose state is
 * shared by the connections of one process (allowed here only).
 */
class FencingActivitiesImplTest {

  private static final String HOST = "h1";

  private final FencingActivitiesImpl fencing = new FencingActivitiesImpl(FencingConfig.defaults());

  private static FenceRequest request(String method, String actor, String uri) {
    return new FenceRequest(HOST, UUID.randomUUID().toString(), method, actor, uri);
  }

  @Test
  void confirmedOffIsTheOperatorsWordRecordedWithTheirName() {
    FenceResult r = fencing.fence(request("confirmed-off", "alice", null));
    assertEquals(
        new FenceResult("confirmed-off", HOST, "operator alice confirmed host h1 is powered off"),
        r);
  }

  @Test
  void requireConfiguredRefusesAsFenceWouldWithoutFencingAnything() {
    ApplicationFailure nobody =
        assertThrows(
            ApplicationFailure.class,
            () -> fencing.requireConfigured(request("confirmed-off", " ", null)));
    assertEquals(FenceMethods.NOT_CONFIGURED, nobody.getType());
    ApplicationFailure unknown =
        assertThrows(
            ApplicationFailure.class,
            () -> fencing.requireConfigured(request("stonith", "alice", null)));
    assertEquals(FenceMethods.UNKNOWN_METHOD, unknown.getType());
    for (String method : List.of("ipmi", "redfish")) {
      ApplicationFailure noBmc =
          assertThrows(
              ApplicationFailure.class,
              () -> fencing.requireConfigured(request(method, "alice", null)));
      assertEquals(FenceMethods.NOT_CONFIGURED, noBmc.getType(), method);
    }
    // the shipped default, libvirt-destroy, cannot reach a host through a local URI
    ApplicationFailure local =
        assertThrows(
            ApplicationFailure.class,
            () -> fencing.requireConfigured(request(null, "alice", "qemu:///system")));
    assertEquals(FenceMethods.NOT_CONFIGURED, local.getType());
    fencing.requireConfigured(request("confirmed-off", "alice", null));
    fencing.requireConfigured(request("libvirt-destroy", "alice", "qemu+tcp://h1/system"));
  }

  @Test
  void confirmedOffWithoutANameIsRefused() {
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class, () -> fencing.fence(request("confirmed-off", " ", null)));
    assertEquals(FenceMethods.NOT_CONFIGURED, f.getType());
    assertTrue(f.isNonRetryable());
  }

  @Test
  void anUnknownMethodIsRefusedListingTheKnownOnes() {
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class, () -> fencing.fence(request("stonith", "alice", null)));
    assertEquals(FenceMethods.UNKNOWN_METHOD, f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(
        f.getOriginalMessage()
            .contains("known methods: confirmed-off, libvirt-destroy, ipmi, redfish"),
        f.getOriginalMessage());
  }

  @Test
  void theDefaultMethodIsUsedWhenNoneIsAsked() {
    FencingActivitiesImpl confirmedByDefault =
        new FencingActivitiesImpl(new FencingConfig(FenceMethods.CONFIRMED_OFF, null, null, null));
    assertEquals("confirmed-off", confirmedByDefault.fence(request(null, "bob", null)).method());
    // The shipped default is libvirt-destroy: it needs a reachable URI.
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class, () -> fencing.fence(request(null, "bob", "qemu:///system")));
    assertEquals(FenceMethods.NOT_CONFIGURED, f.getType());
  }

  @Test
  void ipmiAndRedfishWithoutCredentialsFailClearly() {
    for (String method : List.of("ipmi", "redfish")) {
      ApplicationFailure f =
          assertThrows(
              ApplicationFailure.class, () -> fencing.fence(request(method, "alice", null)));
      assertEquals(FenceMethods.NOT_CONFIGURED, f.getType());
      assertTrue(f.isNonRetryable());
      assertTrue(
          f.getOriginalMessage().startsWith(method + " fencing is not configured for host h1"),
          f.getOriginalMessage());
      assertTrue(f.getOriginalMessage().contains("ferry.fencing.bmc.h1"), f.getOriginalMessage());
    }
  }

  @Test
  void ipmiConfiguredButWithoutAClientSaysSoAndNeverPrintsThePassword() {
    BmcTarget bmc = new BmcTarget("ipmi", "10.0.0.11", "admin", "s3cret");
    FencingActivitiesImpl withBmc =
        new FencingActivitiesImpl(new FencingConfig(null, null, Map.of(HOST, bmc), null));
    ApplicationFailure f =
        assertThrows(ApplicationFailure.class, () -> withBmc.fence(request("ipmi", "alice", null)));
    assertEquals(FenceMethods.NOT_CONFIGURED, f.getType());
    assertTrue(
        f.getOriginalMessage().contains("no ipmi client is installed"), f.getOriginalMessage());
    assertFalse(bmc.toString().contains("s3cret"));
    // redfish is not configured for a host whose BMC is IPMI
    ApplicationFailure r =
        assertThrows(
            ApplicationFailure.class, () -> withBmc.fence(request("redfish", "alice", null)));
    assertTrue(r.getOriginalMessage().contains("not configured"), r.getOriginalMessage());
  }

  @Test
  void theBmcSeamPowersTheHostOff() {
    AtomicReference<String> poweredOff = new AtomicReference<>();
    BmcTarget bmc = new BmcTarget("redfish", "https://bmc-h1", "admin", "pw");
    FencingActivitiesImpl withClient =
        new FencingActivitiesImpl(
            new FencingConfig(null, null, Map.of(HOST, bmc), null),
            (host, target) -> poweredOff.set(host + "@" + target.address()));
    FenceResult r = withClient.fence(request("redfish", "alice", null));
    assertEquals("h1@https://bmc-h1", poweredOff.get());
    assertEquals("host h1 powered off through its BMC at https://bmc-h1 (redfish)", r.summary());
  }

  @Test
  void libvirtDestroyRefusesAUriLocalToTheAgent() {
    for (String uri : List.of("qemu:///system", "qemu:///session")) {
      ApplicationFailure f =
          assertThrows(
              ApplicationFailure.class, () -> fencing.fence(request("libvirt-destroy", "a", uri)));
      assertEquals(FenceMethods.NOT_CONFIGURED, f.getType());
      assertTrue(f.getOriginalMessage().contains("is local to its agent"), f.getOriginalMessage());
      assertTrue(
          f.getOriginalMessage().contains("ferry.fencing.libvirt-uris.h1"), f.getOriginalMessage());
    }
  }

  @Test
  void libvirtDestroyRefusesTheTestDriverAndAMissingUri() {
    ApplicationFailure test =
        assertThrows(
            ApplicationFailure.class,
            () -> fencing.fence(request("libvirt-destroy", "a", "test:///default")));
    assertTrue(test.getOriginalMessage().contains("proves nothing"), test.getOriginalMessage());
    ApplicationFailure none =
        assertThrows(
            ApplicationFailure.class, () -> fencing.fence(request("libvirt-destroy", "a", null)));
    assertTrue(none.getOriginalMessage().contains("no libvirt URI on record"));
  }

  @Test
  void aRemoteRegisteredUriIsAcceptedAndAConfiguredOneWins() {
    LibvirtDestroyFence m = new LibvirtDestroyFence(Map.of("h2", "qemu+ssh://ops@h2/system"), null);
    assertEquals(
        "qemu+tcp://h1/system",
        m.uriFor(new FenceRequest(HOST, "x", "libvirt-destroy", "a", "qemu+tcp://h1/system")));
    assertEquals(
        "qemu+ssh://ops@h2/system",
        m.uriFor(new FenceRequest("h2", "x", "libvirt-destroy", "a", "qemu:///system")));
  }

  @Test
  void libvirtDestroyFailsRetryablyWhenLibvirtDoesNotAnswer() {
    FencingActivitiesImpl unreachable =
        new FencingActivitiesImpl(
            new FencingConfig(
                null,
                Map.of(HOST, "qemu+unix:///system?socket=/nonexistent/ferry-fence-test/sock"),
                null,
                Duration.ofSeconds(5)));
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class,
            () -> unreachable.fence(request("libvirt-destroy", "alice", "qemu:///system")));
    assertEquals(FenceMethods.FAILED, f.getType());
    assertFalse(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("does not answer"), f.getOriginalMessage());
  }

  @Test
  void libvirtDestroyDestroysTheRunningDomainAndKeepsItsDefinition() throws Exception {
    String uuid = UUID.randomUUID().toString();
    String name = "fence-" + uuid.substring(0, 8);
    Connect c = new Connect("test:///default");
    try {
      Domain d = c.domainDefineXML(testDomain(name, uuid));
      d.create();
      assertEquals(1, d.isActive());
      LibvirtDestroyFence method =
          new LibvirtDestroyFence(Map.of(HOST, "test:///default"), Duration.ofSeconds(5), true);
      FencingActivitiesImpl withTest =
          new FencingActivitiesImpl(FenceMethods.LIBVIRT_DESTROY, List.of(method));

      FenceResult r = withTest.fence(new FenceRequest(HOST, uuid, null, "alice", "qemu:///system"));

      assertEquals("destroyed domain " + name + " on host h1 through test:///default", r.summary());
      Domain after = c.domainLookupByUUIDString(uuid);
      assertEquals(0, after.isActive());
      assertEquals(1, after.isPersistent()); // the agent removes the definition on return
      // Fencing again finds it off: still fenced.
      assertTrue(
          withTest
              .fence(new FenceRequest(HOST, uuid, null, "alice", null))
              .summary()
              .contains("is shut off"));
      after.undefine();
      // No such domain at all: nothing can run there.
      assertTrue(
          withTest
              .fence(new FenceRequest(HOST, uuid, null, "alice", null))
              .summary()
              .contains("has no domain"));
    } finally {
      c.close();
    }
  }

  private static String testDomain(String name, String uuid) {
    return """
        <domain type='test'>
          <name>%s</name>
          <uuid>%s</uuid>
          <memory unit='MiB'>128</memory>
          <vcpu>1</vcpu>
          <os><type arch='x86_64'>hvm</type></os>
        </domain>
        """
        .formatted(name, uuid);
  }
}
