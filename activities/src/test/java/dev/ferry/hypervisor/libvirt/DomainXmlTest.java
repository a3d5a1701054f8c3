package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.Flavor;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DomainXmlTest {

  private static final String UUID = "5e1f3c2a-9d8b-4c7e-a6f5-0123456789ab";

  /** What a running QEMU domain's live XML looks like, with everything host- or run-specific. */
  private static final String LIVE_QEMU =
      """
      <domain type='qemu' id='7'>
        <name>web-1</name>
        <uuid>5E1F3C2A-9D8B-4C7E-A6F5-0123456789AB</uuid>
        <metadata>
          <app:info xmlns:app="https://example.org/app/1" team="blue"/>
        </metadata>
        <memory unit='KiB'>262144</memory>
        <currentMemory unit='KiB'>131072</currentMemory>
        <vcpu placement='static' current='1'>2</vcpu>
        <vcpus>
          <vcpu id='0' enabled='yes' hotpluggable='no'/>
          <vcpu id='1' enabled='no' hotpluggable='yes'/>
        </vcpus>
        <os><type arch='x86_64' machine='pc'>hvm</type></os>
        <cpu mode='custom'>
          <topology sockets='1' dies='1' cores='2' threads='1'/>
        </cpu>
        <devices>
          <disk type='file' device='cdrom'>
            <source file='/isos/boot.iso'/>
            <target dev='hdc' bus='ide'/>
          </disk>
          <disk type='file' device='disk'>
            <driver name='qemu' type='qcow2'/>
            <source file='/var/lib/ferry/local/web-1.qcow2'/>
            <target dev='vda' bus='virtio'/>
            <alias name='virtio-disk0'/>
          </disk>
          <interface type='network'>
            <alias name='ua-frontend'/>
          </interface>
          <serial type='pty'>
            <source path='/dev/pts/3'/>
            <log file='/var/log/consoles/web-1.log' append='on'/>
            <target port='0'/>
            <alias name='serial0'/>
          </serial>
          <console type='pty' tty='/dev/pts/3'>
            <source path='/dev/pts/3'/>
            <target type='serial' port='0'/>
          </console>
          <serial type='file'>
            <source path='/var/log/consoles/second.log' append='on'/>
          </serial>
          <graphics type='vnc' port='5900' autoport='yes' passwd='s3cret' passwdValidTo='2030-01-01T00:00:00'/>
          <graphics type='spice' port='5930' autoport='no' passwd='other'/>
        </devices>
        <seclabel type='dynamic' model='selinux' relabel='yes'>
          <label>system_u:system_r:svirt_t:s0:c1,c2</label>
          <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>
        </seclabel>
        <seclabel type='dynamic' model='dac' relabel='yes'>
          <baselabel>+107:+107</baselabel>
          <label>+107:+107</label>
          <imagelabel>+107:+107</imagelabel>
        </seclabel>
        <seclabel type='static' model='apparmor' relabel='no'>
          <label>libvirt-fixed</label>
        </seclabel>
      </domain>
      """;

  private static final String MINIMAL =
      """
      <domain type='test'>
        <name>tiny</name>
        <os><type arch='x86_64'>hvm</type></os>
      </domain>
      """;

  @Nested
  class Reading {
    @Test
    void readsIdentityAndSize() {
      DomainXml xml = DomainXml.parse(LIVE_QEMU);

      assertEquals("qemu", xml.type());
      assertEquals("web-1", xml.name());
      assertEquals(UUID, xml.uuid(), "UUIDs are reported in lower case, as libvirt does");
      assertEquals(2, xml.vcpus());
      assertEquals(256, xml.memoryMb());
    }

    @Test
    void defaultsWhenElementsAreMissing() {
      DomainXml xml = DomainXml.parse(MINIMAL);

      assertNull(xml.uuid());
      assertEquals(1, xml.vcpus(), "libvirt's default");
      assertEquals(0, xml.memoryMb());
      assertEquals(Optional.empty(), xml.ferryTag());
    }

    @Test
    void understandsLibvirtMemoryUnits() {
      assertEquals(4096, memoryMb("<memory unit='GiB'>4</memory>"));
      assertEquals(4096, memoryMb("<memory unit='G'>4</memory>"));
      assertEquals(512, memoryMb("<memory unit='MiB'>512</memory>"));
      assertEquals(512, memoryMb("<memory>524288</memory>"), "KiB when no unit");
      assertEquals(512, memoryMb("<memory unit='bytes'>536870912</memory>"));
      assertEquals(476, memoryMb("<memory unit='MB'>500</memory>"), "decimal units round down");
      assertThrows(
          IllegalArgumentException.class, () -> memoryMb("<memory unit='parsec'>1</memory>"));
    }

    private int memoryMb(String memory) {
      return DomainXml.parse("<domain type='test'><name>m</name>" + memory + "</domain>")
          .memoryMb();
    }
  }

  @Nested
  class Parsing {
    @Test
    void rejectsWhatIsNotADomain() {
      assertThrows(IllegalArgumentException.class, () -> DomainXml.parse("<network/>"));
      assertThrows(IllegalArgumentException.class, () -> DomainXml.parse("<domain><name>"));
      assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(""));
      assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(null));
    }

    @Test
    void refusesDoctypesSoNoExternalEntityIsRead() {
      String xxe =
          """
          <?xml version="1.0"?>
          <!DOCTYPE domain [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
          <domain type='test'><name>&secret;</name></domain>
          """;

      assertThrows(IllegalArgumentException.class, () -> DomainXml.parse(xxe));
    }

    @Test
    void roundTripsUnchangedContent() {
      DomainXml again = DomainXml.parse(DomainXml.parse(LIVE_QEMU).toXml());

      assertEquals("web-1", again.name());
      assertEquals(256, again.memoryMb());
      assertFalse(again.toXml().startsWith("<?xml"), "no XML declaration: libvirt never needs it");
    }
  }

  @Nested
  class Editing {
    @Test
    void setsNameAndUuidCreatingTheElementsWhenMissing() {
      DomainXml xml = DomainXml.parse(MINIMAL).setName("renamed").setUuid(UUID.toUpperCase());

      DomainXml again = DomainXml.parse(xml.toXml());
      assertEquals("renamed", again.name());
      assertEquals(UUID, again.uuid());
    }

    @Test
    void appliesFlavorToMemoryCurrentMemoryAndVcpus() {
      DomainXml xml = DomainXml.parse(LIVE_QEMU).applyFlavor(new Flavor("m1.small", 4, 1024, 10));

      DomainXml again = DomainXml.parse(xml.toXml());
      assertEquals(4, again.vcpus());
      assertEquals(1024, again.memoryMb());
      String out = xml.toXml();
      assertTrue(out.contains("<memory unit=\"MiB\">1024</memory>"), out);
      assertTrue(out.contains("<currentMemory unit=\"MiB\">1024</currentMemory>"), out);
      assertTrue(out.contains("placement=\"static\""), "vcpu placement is kept");
      assertFalse(out.contains("current=\"1\""), "every vCPU of the flavor is online");
      assertFalse(out.contains("<vcpus>"), "per-vCPU state was for the old count");
    }

    @Test
    void makesCpuTopologyMatchTheNewVcpuCount() {
      String out =
          DomainXml.parse(LIVE_QEMU).applyFlavor(new Flavor("m1.large", 3, 512, 10)).toXml();

      assertTrue(
          out.contains("<topology cores=\"1\" dies=\"1\" sockets=\"3\" threads=\"1\"/>"), out);
    }

    @Test
    void leavesAMatchingTopologyAlone() {
      String out =
          DomainXml.parse(LIVE_QEMU).applyFlavor(new Flavor("m1.small", 2, 512, 10)).toXml();

      assertTrue(
          out.contains("<topology cores=\"2\" dies=\"1\" sockets=\"1\" threads=\"1\"/>"), out);
    }

    @Test
    void appliesFlavorToADefinitionWithoutSizes() {
      DomainXml xml = DomainXml.parse(MINIMAL).applyFlavor(new Flavor("m1.tiny", 1, 128, 1));

      assertEquals(128, DomainXml.parse(xml.toXml()).memoryMb());
      assertEquals(1, DomainXml.parse(xml.toXml()).vcpus());
    }

    @Test
    void refusesAFlavorWithoutVcpusOrMemory() {
      DomainXml xml = DomainXml.parse(MINIMAL);

      assertThrows(
          IllegalArgumentException.class, () -> xml.applyFlavor(new Flavor("bad", 0, 128, 1)));
      assertThrows(
          IllegalArgumentException.class, () -> xml.applyFlavor(new Flavor("bad", 1, 0, 1)));
    }

    @Test
    void pointsTheFirstFileDiskAtANewPathAndLeavesCdromsAlone() {
      DomainXml xml = DomainXml.parse(LIVE_QEMU);

      assertTrue(xml.setDiskSource("/var/lib/ferry/shared/web-1.qcow2"));
      String out = xml.toXml();
      assertTrue(out.contains("<source file=\"/var/lib/ferry/shared/web-1.qcow2\"/>"), out);
      assertTrue(out.contains("<source file=\"/isos/boot.iso\"/>"), out);
      assertFalse(out.contains("/var/lib/ferry/local/web-1.qcow2"), out);
    }

    @Test
    void hasNoDiskToPointWhenThereIsNone() {
      assertFalse(DomainXml.parse(MINIMAL).setDiskSource("/x.qcow2"));
    }
  }

  @Nested
  class FerryTags {
    @Test
    void writesAndReadsTheTag() {
      DomainXml xml = DomainXml.parse(MINIMAL).setFerryTag(new FerryTag(UUID, 7));

      DomainXml again = DomainXml.parse(xml.toXml());
      assertEquals(Optional.of(new FerryTag(UUID, 7)), again.ferryTag());
      String out = xml.toXml();
      assertTrue(out.contains("owner=\"ferry\""), out);
      assertTrue(out.contains("xmlns:ferry=\"" + FerryTag.NAMESPACE + "\""), out);
      assertEquals(1, occurrences(out, "xmlns:ferry="), "namespace declared once: " + out);
    }

    @Test
    void replacesAnOlderTagAndKeepsOtherApplicationsMetadata() {
      DomainXml xml =
          DomainXml.parse(LIVE_QEMU)
              .setFerryTag(new FerryTag(UUID, 1))
              .setFerryTag(new FerryTag(UUID, 2));

      String out = xml.toXml();
      assertEquals(1, occurrences(out, "ferry:instance"), out);
      assertTrue(out.contains("team=\"blue\""), "other metadata kept: " + out);
      assertEquals(2, DomainXml.parse(out).ferryTag().orElseThrow().epoch());
    }

    @Test
    void readsTheTagAsLibvirtFormatsIt() {
      String fromLibvirt =
          """
          <domain type='test'>
            <name>stale-copy</name>
            <metadata>
              <ferry:instance xmlns:ferry="https://ferry.dev/xmlns/instance/1" id="%s" epoch="2" owner="ferry"/>
            </metadata>
          </domain>
          """
              .formatted(UUID);

      assertEquals(Optional.of(new FerryTag(UUID, 2)), DomainXml.parse(fromLibvirt).ferryTag());
    }

    @Test
    void ignoresAnInstanceElementInAnotherNamespace() {
      String other =
          """
          <domain type='test'><name>x</name><metadata>
            <n:instance xmlns:n="https://openstack.org/xmlns/libvirt/nova/1.1" id="x" epoch="9"/>
          </metadata></domain>
          """;

      assertEquals(Optional.empty(), DomainXml.parse(other).ferryTag());
    }

    @Test
    void treatsAMalformedTagAsNoTag() {
      String malformed =
          """
          <domain type='test'><name>x</name><metadata>
            <ferry:instance xmlns:ferry="https://ferry.dev/xmlns/instance/1" id="%s" epoch="soon"/>
          </metadata></domain>
          """
              .formatted(UUID);

      assertEquals(Optional.empty(), DomainXml.parse(malformed).ferryTag());
    }

    @Test
    void metadataFragmentIsWhatSetMetadataTakes() {
      assertEquals(
          "<instance id=\"" + UUID + "\" epoch=\"0\" owner=\"ferry\"/>",
          new FerryTag(UUID, 0).toMetadataFragment());
    }

    @Test
    void aTagNeedsAnIdAndANonNegativeEpoch() {
      assertThrows(IllegalArgumentException.class, () -> new FerryTag("", 0));
      assertThrows(IllegalArgumentException.class, () -> new FerryTag(UUID, -1));
    }

    private int occurrences(String s, String part) {
      return s.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
  }

  @Nested
  class StrippingHostSpecifics {
    private final String out = DomainXml.parse(LIVE_QEMU).stripHostSpecifics().toXml();

    @Test
    void dropsTheRuntimeId() {
      assertFalse(out.contains("id=\"7\""), out);
    }

    @Test
    void dropsGeneratedSecurityLabelsAndKeepsConfiguredOnes() {
      assertFalse(out.contains("svirt"), "selinux label generated on this host: " + out);
      assertFalse(out.contains("model=\"selinux\""), out);
      assertTrue(out.contains("<baselabel>+107:+107</baselabel>"), "configured base kept: " + out);
      assertFalse(out.contains("<label>+107:+107</label>"), out);
      assertTrue(out.contains("<label>libvirt-fixed</label>"), "static label kept: " + out);
    }

    @Test
    void dropsGraphicsPasswordsAndAllocatedPorts() {
      assertFalse(out.contains("s3cret"), out);
      assertFalse(out.contains("other"), out);
      assertFalse(out.contains("passwdValidTo"), out);
      assertFalse(out.contains("port=\"5900\""), "autoport: allocated per run: " + out);
      assertTrue(out.contains("port=\"5930\""), "a fixed port is configuration: " + out);
    }

    @Test
    void dropsPtyPathsAndKeepsLogFiles() {
      assertFalse(out.contains("/dev/pts/3"), out);
      assertTrue(out.contains("<log append=\"on\" file=\"/var/log/consoles/web-1.log\"/>"), out);
      assertTrue(out.contains("/var/log/consoles/second.log"), "a file serial's path: " + out);
    }

    @Test
    void dropsGeneratedAliasesAndKeepsUserAliases() {
      assertFalse(out.contains("virtio-disk0"), out);
      assertFalse(out.contains("serial0"), out);
      assertTrue(out.contains("ua-frontend"), out);
    }

    @Test
    void keepsTheRest() {
      DomainXml again = DomainXml.parse(out);
      assertEquals("web-1", again.name());
      assertEquals(UUID, again.uuid());
      assertTrue(out.contains("team=\"blue\""), out);
      assertTrue(out.contains("/var/lib/ferry/local/web-1.qcow2"), out);
    }
  }
}
