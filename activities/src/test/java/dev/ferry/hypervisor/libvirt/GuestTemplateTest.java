package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.model.DomainSpec;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.Flavor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestTemplateTest {

  private static final String ID = "0b7c6d1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f";
  private static final Flavor SMALL = new Flavor("m1.small", 2, 256, 1);
  private static final GuestTemplate.Settings GUEST =
      new GuestTemplate.Settings(
          "/var/tmp/ferry-testbed/guest/vmlinuz",
          "/var/tmp/ferry-testbed/guest/initrd.img",
          "quiet panic=-1 dirty=0",
          "/var/tmp/ferry-testbed/consoles");

  private final GuestTemplate template = new GuestTemplate(GUEST);

  @Test
  void qemuGuestBootsTheConfiguredKernelUnderTcgWithAnAppendingConsoleLog() {
    String out = template.render(spec("/var/lib/ferry/shared/a.qcow2"), "QEMU");
    DomainXml xml = DomainXml.parse(out);

    assertEquals("qemu", xml.type(), "TCG: Linux guests hang under this machine's nested KVM");
    assertEquals("web-1", xml.name());
    assertEquals(ID, xml.uuid());
    assertEquals(2, xml.vcpus());
    assertEquals(256, xml.memoryMb());
    assertTrue(out.contains("<kernel>/var/tmp/ferry-testbed/guest/vmlinuz</kernel>"), out);
    assertTrue(out.contains("<initrd>/var/tmp/ferry-testbed/guest/initrd.img</initrd>"), out);
    assertTrue(out.contains("<cmdline>console=ttyS0 quiet panic=-1 dirty=0</cmdline>"), out);
    assertTrue(
        out.contains("<log file='/var/tmp/ferry-testbed/consoles/" + ID + ".log' append='on'/>"),
        out);
    assertTrue(out.contains("<acpi/>"), "ACPI: powerOff's graceful shutdown needs it");
  }

  @Test
  void qemuGuestHasAVirtioQcow2DiskOnlyWhenTheSpecHasOne() {
    String withDisk = template.render(spec("/var/lib/ferry/shared/a.qcow2"), "QEMU");
    String withoutDisk = template.render(spec(null), "QEMU");

    assertTrue(withDisk.contains("<source file='/var/lib/ferry/shared/a.qcow2'/>"), withDisk);
    assertTrue(withDisk.contains("type='qcow2'"), withDisk);
    assertTrue(withDisk.contains("bus='virtio'"), withDisk);
    assertFalse(withoutDisk.contains("<disk"), withoutDisk);
  }

  @Test
  void consoleIsJustTtyS0WithoutExtraArguments() {
    GuestTemplate plain =
        new GuestTemplate(new GuestTemplate.Settings("/k", "/i", null, "/consoles"));

    assertTrue(plain.render(spec(null), "QEMU").contains("<cmdline>console=ttyS0</cmdline>"));
  }

  @Test
  void noLogWithoutAConsoleDirectory() {
    GuestTemplate unlogged = new GuestTemplate(new GuestTemplate.Settings("/k", "/i", null, null));

    String out = unlogged.render(spec(null), "QEMU");
    assertFalse(out.contains("<log"), out);
    assertTrue(out.contains("<serial type='pty'>"), out);
  }

  @Test
  void escapesWhatXmlWouldMisread() {
    GuestTemplate odd = new GuestTemplate(new GuestTemplate.Settings("/k&k", "/i", "a<b", "/c'd"));

    DomainXml xml = DomainXml.parse(odd.render(spec("/disks/x&y.qcow2"), "QEMU"));
    assertTrue(xml.toXml().contains("/k&amp;k"));
    assertTrue(xml.toXml().contains("console=ttyS0 a&lt;b"));
  }

  @Test
  void testDriverGuestIsOfTypeTest() {
    DomainXml xml =
        DomainXml.parse(
            new GuestTemplate(GuestTemplate.Settings.none()).render(spec(null), "TEST"));

    assertEquals("test", xml.type());
    assertEquals(ID, xml.uuid());
    assertEquals(256, xml.memoryMb());
  }

  @Test
  void qemuNeedsAConfiguredKernel() {
    GuestTemplate none = new GuestTemplate(GuestTemplate.Settings.none());

    FerryRejection e = assertThrows(FerryRejection.class, () -> none.render(spec(null), "QEMU"));
    assertEquals(FerryRejection.Reason.INVALID_STATE, e.reason());
  }

  @Test
  void otherHypervisorsAreNotSupported() {
    FerryRejection e = assertThrows(FerryRejection.class, () -> template.render(spec(null), "Xen"));
    assertEquals(FerryRejection.Reason.HYPERVISOR_INCOMPATIBLE, e.reason());
  }

  @Test
  void consoleLogIsNamedAfterTheInstance() {
    assertEquals("/var/tmp/ferry-testbed/consoles/" + ID + ".log", template.consoleLog(ID));
  }

  /** libvirt's own schema check, where libvirt-clients ships it (not needed for the build). */
  @Test
  void qemuGuestPassesLibvirtsSchema(@TempDir Path dir) throws Exception {
    Path validator = Path.of("/usr/bin/virt-xml-validate");
    assumeTrue(
        Files.isExecutable(validator) && Files.isExecutable(Path.of("/usr/bin/xmllint")),
        "virt-xml-validate (libvirt-clients) or xmllint (libxml2-utils) not installed");
    Path xml = dir.resolve("guest.xml");
    Files.writeString(xml, template.render(spec("/var/lib/ferry/shared/a.qcow2"), "QEMU"));

    Process p =
        new ProcessBuilder(validator.toString(), xml.toString(), "domain")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
  }

  private static DomainSpec spec(String diskPath) {
    return new DomainSpec(ID, "web-1", SMALL, 1, null, diskPath, null);
  }
}
