package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.HostFacts;
import dev.ferry.model.PowerState;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * libvirt integration: the activities against libvirt's test driver, host-a of the test resources
 * (fresh for every test). Run through {@link TestActivityEnvironment}, so results cross Temporal's
 * data converter and failures arrive as a workflow would see them.
 */
class LibvirtHypervisorActivitiesTest {

  private static final String WEB = "5e1f3c2a-9d8b-4c7e-a6f5-0123456789ab";
  private static final String LEGACY_WEB = "aaaaaaaa-0000-4000-8000-000000000001";
  private static final String LEGACY_DB = "aaaaaaaa-0000-4000-8000-000000000002";
  private static final String STALE_COPY = "bbbbbbbb-0000-4000-8000-000000000003";
  private static final String NOWHERE = "99999999-0000-4000-8000-000000000009";
  private static final Flavor SMALL = new Flavor("m1.small", 1, 256, 1);
  private static final Flavor MEDIUM = new Flavor("m1.medium", 2, 512, 2);

  private LibvirtConnection connection;
  private TestActivityEnvironment env;
  private HypervisorActivities hypervisor;

  @BeforeEach
  void startHost() {
    connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new LibvirtHypervisorActivities(
            connection, new GuestTemplate(GuestTemplate.Settings.none())));
    hypervisor =
        env.newActivityStub(
            HypervisorActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setHeartbeatTimeout(Duration.ofSeconds(10))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void stopHost() {
    env.close();
    connection.close();
  }

  @Test
  void hostFactsComeFromLibvirt() {
    HostFacts facts = hypervisor.hostFacts();

    assertEquals("TEST", facts.hypervisorType());
    assertEquals(16, facts.cpus());
    assertEquals(32 * 1024, facts.memoryMb());
    assertTrue(facts.libvirtVersion() >= 9_000_000, "libvirt 9.0.0 here: " + facts);
  }

  @Test
  void eachNodeXmlIsItsOwnHost() {
    try (LibvirtConnection hostB = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_B))) {
      HypervisorActivities onB =
          new LibvirtHypervisorActivities(hostB, new GuestTemplate(GuestTemplate.Settings.none()));

      assertEquals(8, onB.hostFacts().cpus());
      assertEquals(List.of(), onB.listDomains());
      assertEquals(3, hypervisor.listDomains().size());
    }
  }

  @Nested
  class Define {
    @Test
    void definesATaggedDomainWithTheFlavorAndNoAutostart() {
      DomainView view = hypervisor.define(spec(WEB, "web-1", SMALL, 3));

      assertTrue(view.exists());
      assertEquals(WEB, view.uuid());
      assertEquals("web-1", view.name());
      assertEquals(PowerState.SHUTDOWN, view.powerState(), "define does not start it");
      assertEquals(1, view.vcpus());
      assertEquals(256, view.memoryMb());
      assertEquals(WEB, view.ferryInstanceId());
      assertEquals(3, view.epoch());
      assertTrue(view.inactiveXml().contains(FerryTag.NAMESPACE), view.inactiveXml());
      assertFalse(autostart(WEB));
      assertEquals(view, hypervisor.inspect(WEB), "inspect sees what define returned");
    }

    @Test
    void redefiningReplacesFlavorAndEpochAndTurnsAutostartOff() {
      hypervisor.define(spec(WEB, "web-1", SMALL, 3));
      setAutostart(WEB);

      DomainView view = hypervisor.define(spec(WEB, "web-1", MEDIUM, 4));

      assertEquals(2, view.vcpus());
      assertEquals(512, view.memoryMb());
      assertEquals(4, view.epoch());
      assertFalse(autostart(WEB), "a stale copy must never start before the agent runs");
    }

    @Test
    void isIdempotent() {
      DomainView first = hypervisor.define(spec(WEB, "web-1", SMALL, 3));

      assertEquals(first, hypervisor.define(spec(WEB, "web-1", SMALL, 3)));
      assertEquals(4, hypervisor.listDomains().size());
    }

    @Test
    void keepsTheBaseXmlsDevicesAndMovesTheDisk() {
      String base =
          """
          <domain type='test'>
            <name>old-name</name>
            <uuid>%s</uuid>
            <memory unit='MiB'>128</memory>
            <vcpu>1</vcpu>
            <os><type arch='x86_64'>hvm</type></os>
            <devices>
              <disk type='file' device='disk'>
                <source file='/var/lib/ferry/local/web-1.qcow2'/>
                <target dev='vda' bus='virtio'/>
              </disk>
            </devices>
          </domain>
          """
              .formatted(WEB);

      DomainView view =
          hypervisor.define(
              new DomainSpec(
                  WEB, "web-1", MEDIUM, 5, base, "/var/lib/ferry/shared/web-1.qcow2", null));

      assertEquals("web-1", view.name());
      assertEquals(512, view.memoryMb());
      assertTrue(view.inactiveXml().contains("/var/lib/ferry/shared/web-1.qcow2"));
      assertTrue(view.inactiveXml().contains("dev=\"vda\""), view.inactiveXml());
    }

    @Test
    void aNewDomainGetsTheSpecsDisk() {
      DomainView view =
          hypervisor.define(
              new DomainSpec(
                  WEB, "web-1", SMALL, 1, null, "/var/lib/ferry/shared/web-1.qcow2", null));

      assertTrue(
          view.inactiveXml().contains("<source file=\"/var/lib/ferry/shared/web-1.qcow2\"/>"),
          view.inactiveXml());
    }

    @Test
    void theRecordsXmlDefinesTheSameDomainOnAnotherHost() {
      DomainView onA = hypervisor.define(spec(WEB, "web-1", MEDIUM, 1));

      try (LibvirtConnection hostB = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_B))) {
        HypervisorActivities onB =
            new LibvirtHypervisorActivities(
                hostB, new GuestTemplate(GuestTemplate.Settings.none()));
        DomainView copy =
            onB.define(new DomainSpec(WEB, "web-1", MEDIUM, 2, onA.inactiveXml(), null, null));

        assertEquals(onA.uuid(), copy.uuid());
        assertEquals(onA.memoryMb(), copy.memoryMb());
        assertEquals(2, copy.epoch());
      }
    }

    @Test
    void renamesAnInactiveDomain() {
      hypervisor.define(spec(WEB, "web-1", SMALL, 1));

      DomainView view = hypervisor.define(spec(WEB, "web-renamed", SMALL, 2));

      assertEquals("web-renamed", view.name());
      assertEquals(4, hypervisor.listDomains().size(), "renamed, not duplicated");
    }

    @Test
    void refusesToRenameARunningDomain() {
      hypervisor.define(spec(WEB, "web-1", SMALL, 1));
      hypervisor.powerOn(WEB);

      assertRejected(Reason.INVALID_STATE, () -> hypervisor.define(spec(WEB, "web-2", SMALL, 2)));
      assertEquals("web-1", hypervisor.inspect(WEB).name());
    }

    @Test
    void refusesANameAnotherDomainHas() {
      assertRejected(
          Reason.DUPLICATE_NAME, () -> hypervisor.define(spec(WEB, "legacy-web", SMALL, 1)));
    }

    @Test
    void redefiningARunningDomainKeepsItRunning() {
      hypervisor.define(spec(WEB, "web-1", SMALL, 1));
      hypervisor.powerOn(WEB);

      DomainView view = hypervisor.define(spec(WEB, "web-1", MEDIUM, 2));

      assertEquals(PowerState.RUNNING, view.powerState());
      assertEquals(512, view.memoryMb(), "the definition (next start) has the new flavor");
      assertEquals(2, view.epoch());
    }

    @Test
    void refusesUnusableInput() {
      assertRejected(
          Reason.INVALID_ARGUMENT,
          () -> hypervisor.define(new DomainSpec(WEB, "web-1", SMALL, 1, "<domain>", null, null)));
      assertRejected(
          Reason.INVALID_ARGUMENT,
          () ->
              hypervisor.define(new DomainSpec("not-a-uuid", "web-1", SMALL, 1, null, null, null)));
      assertRejected(
          Reason.INVALID_ARGUMENT, () -> hypervisor.define(spec(WEB, "bad name!", SMALL, 1)));
      assertRejected(
          Reason.INVALID_ARGUMENT,
          () -> hypervisor.define(spec(WEB, "web-1", new Flavor("zero", 0, 0, 0), 1)));
    }

    @Test
    void xmlLibvirtRefusesFailsWithoutRetry() {
      String nonsense =
          """
          <domain type='test'><name>x</name><memory unit='MiB'>64</memory>
            <os><type arch='x86_64'>hvm</type></os><on_poweroff>explode</on_poweroff></domain>
          """;

      ApplicationFailure failure =
          failure(
              () ->
                  hypervisor.define(new DomainSpec(WEB, "web-1", SMALL, 1, nonsense, null, null)));
      assertTrue(failure.isNonRetryable(), failure.getType() + ": " + failure.getMessage());
      assertFalse(hypervisor.inspect(WEB).exists());
    }
  }

  @Nested
  class PowerOn {
    @Test
    void powerOnStartsOnceAndIsIdempotent() {
      hypervisor.define(spec(WEB, "web-1", SMALL, 1));

      assertEquals(PowerState.RUNNING, hypervisor.powerOn(WEB).powerState());
      assertEquals(PowerState.RUNNING, hypervisor.powerOn(WEB).powerState());
    }

    @Test
    void powerOnResumesAPausedDomain() throws Exception {
      connection.call(
          c -> {
            c.domainLookupByUUIDString(LEGACY_WEB).suspend();
            return null;
          });
      assertEquals(PowerState.PAUSED, hypervisor.inspect(LEGACY_WEB).powerState());

      assertEquals(PowerState.RUNNING, hypervisor.powerOn(LEGACY_WEB).powerState());
    }
  }

  @Nested
  class Remove {
    @Test
    void removesACopyOfAnOlderOrEqualEpoch() {
      DomainView found = hypervisor.remove(STALE_COPY, 2);

      assertEquals(2, found.epoch(), "returns what it found");
      assertFalse(hypervisor.inspect(STALE_COPY).exists());
    }

    @Test
    void keepsACopyOfANewerEpoch() {
      DomainView found = hypervisor.remove(STALE_COPY, 1);

      assertEquals(2, found.epoch());
      assertTrue(hypervisor.inspect(STALE_COPY).exists(), "the newer copy may be the live one");
    }

    @Test
    void destroysARunningDomainBeforeUndefiningIt() {
      hypervisor.define(spec(WEB, "web-1", SMALL, 3));
      hypervisor.powerOn(WEB);

      DomainView found = hypervisor.remove(WEB, 3);

      assertEquals(PowerState.RUNNING, found.powerState());
      assertFalse(hypervisor.inspect(WEB).exists());
    }

    @Test
    void isIdempotent() {
      hypervisor.remove(STALE_COPY, 2);

      DomainView again = hypervisor.remove(STALE_COPY, 2);

      assertEquals(DomainView.absent(STALE_COPY), again);
    }

    @Test
    void refusesAnUntaggedDomainUnlessAnyEpochIsAllowed() {
      assertRejected(Reason.INVALID_STATE, () -> hypervisor.remove(LEGACY_DB, 1_000));
      assertTrue(hypervisor.inspect(LEGACY_DB).exists());

      hypervisor.remove(LEGACY_DB, Long.MAX_VALUE);
      assertFalse(hypervisor.inspect(LEGACY_DB).exists());
    }

    @Test
    void removesADomainWithSnapshots() throws Exception {
      hypervisor.define(spec(WEB, "web-1", SMALL, 1));
      connection.call(
          c ->
              c.domainLookupByUUIDString(WEB)
                  .snapshotCreateXML("<domainsnapshot><name>s1</name></domainsnapshot>"));

      hypervisor.remove(WEB, 1);

      assertFalse(hypervisor.inspect(WEB).exists());
    }
  }

  @Nested
  class Adopt {
    @Test
    void tagsAForeignDomainWithItsUuidAtEpochZero() {
      DomainView adopted = hypervisor.adopt("legacy-web");

      assertEquals(LEGACY_WEB, adopted.uuid());
      assertEquals(LEGACY_WEB, adopted.ferryInstanceId());
      assertEquals(0, adopted.epoch());
      assertEquals(PowerState.RUNNING, adopted.powerState(), "adoption does not disturb the guest");
      assertEquals(2, adopted.vcpus());
      assertEquals(2048, adopted.memoryMb());
      assertEquals(adopted, hypervisor.inspect(LEGACY_WEB));
    }

    @Test
    void theTagSurvivesTheGuestsRestart() {
      hypervisor.adopt("legacy-web");
      hypervisor.powerOff(LEGACY_WEB, 5);

      DomainView view = hypervisor.powerOn(LEGACY_WEB);

      assertEquals(LEGACY_WEB, view.ferryInstanceId());
    }

    @Test
    void turnsAutostartOff() throws Exception {
      setAutostart(LEGACY_DB);

      hypervisor.adopt("legacy-db");

      assertFalse(autostart(LEGACY_DB));
    }

    @Test
    void keepsTheEpochOfADomainFerryAlreadyOwns() {
      assertEquals(2, hypervisor.adopt("stale-copy").epoch());
      hypervisor.adopt("legacy-web");
      assertEquals(0, hypervisor.adopt("legacy-web").epoch());
    }

    @Test
    void anUnknownNameFailsWithoutRetry() {
      ApplicationFailure failure =
          assertRejected(Reason.UNKNOWN_INSTANCE, () -> hypervisor.adopt("nope"));

      assertTrue(failure.getOriginalMessage().contains("nope"), failure.getOriginalMessage());
    }
  }

  @Nested
  class Inspect {
    @Test
    void anUnknownDomainIsAbsent() {
      assertEquals(DomainView.absent(NOWHERE), hypervisor.inspect(NOWHERE));
    }

    @Test
    void readsAnUntaggedDomain() {
      DomainView view = hypervisor.inspect(LEGACY_DB);

      assertEquals("legacy-db", view.name());
      assertEquals(PowerState.SHUTDOWN, view.powerState());
      assertEquals(4, view.vcpus());
      assertEquals(4096, view.memoryMb());
      assertNull(view.ferryInstanceId());
      assertEquals(-1, view.epoch());
    }

    @Test
    void inactiveXmlCanTravel() {
      String xml = hypervisor.inspect(LEGACY_WEB).inactiveXml();

      assertFalse(xml.contains(" id="), "no runtime id: " + xml);
      assertEquals(LEGACY_WEB, DomainXml.parse(xml).uuid());
    }

    @Test
    void listsEveryDomainByNameWithoutXml() {
      List<DomainView> views = hypervisor.listDomains();

      assertEquals(
          List.of("legacy-db", "legacy-web", "stale-copy"),
          views.stream().map(DomainView::name).toList());
      assertEquals(STALE_COPY, views.get(2).ferryInstanceId());
      assertEquals(2, views.get(2).epoch());
      assertTrue(views.stream().allMatch(v -> v.inactiveXml() == null));
    }

    @Test
    void powerNeedsADomain() {
      assertRejected(Reason.UNKNOWN_INSTANCE, () -> hypervisor.powerOn(NOWHERE));
      assertRejected(Reason.UNKNOWN_INSTANCE, () -> hypervisor.powerOff(NOWHERE, 1));
    }

    @Test
    void anInstanceIdMustBeAUuid() {
      assertRejected(Reason.INVALID_ARGUMENT, () -> hypervisor.inspect("web-1"));
    }
  }

  @Test
  void anUnavailableLibvirtIsRetryable() {
    connection.close();

    ApplicationFailure failure = failure(() -> hypervisor.inspect(WEB));

    assertFalse(failure.isNonRetryable());
    assertEquals(LibvirtUnavailableException.class.getName(), failure.getType());
  }

  @Test
  void libvirtPowerStatesMapAsNova() {
    assertEquals(
        PowerState.RUNNING,
        Domains.powerState(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_BLOCKED));
    assertEquals(
        PowerState.SUSPENDED,
        Domains.powerState(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_PMSUSPENDED));
    assertEquals(
        PowerState.CRASHED,
        Domains.powerState(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_CRASHED));
    assertEquals(
        PowerState.NOSTATE,
        Domains.powerState(org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_NOSTATE));
  }

  // --- helpers ---

  private static DomainSpec spec(String id, String name, Flavor flavor, long epoch) {
    return new DomainSpec(id, name, flavor, epoch, null, null, null);
  }

  private boolean autostart(String uuid) {
    try {
      return connection.call(c -> c.domainLookupByUUIDString(uuid).getAutostart());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void setAutostart(String uuid) {
    try {
      connection.call(
          c -> {
            c.domainLookupByUUIDString(uuid).setAutostart(true);
            return null;
          });
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertTrue(autostart(uuid));
  }

  private static ApplicationFailure failure(Executable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call);
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }

  private static ApplicationFailure assertRejected(Reason reason, Executable call) {
    ApplicationFailure failure = failure(call);
    assertEquals(FerryRejection.TYPE_PREFIX + reason, failure.getType(), failure.getMessage());
    assertTrue(failure.isNonRetryable());
    assertEquals(reason, FerryRejection.from(failure).orElseThrow().reason());
    return failure;
  }
}
