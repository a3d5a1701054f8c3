package dev.ferry.hypervisor.libvirt.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;

/**
 * The CPU check a move makes of its destination, against libvirt's test driver: a guest that names
 * no CPU model is not compared (nothing to refuse), one that does is put to libvirt.
 */
class GuestCpuCheckTest {
  private Connect c;

  @BeforeEach
  void open() throws Exception {
    c = new Connect("test:///default");
  }

  @AfterEach
  void close() throws Exception {
    c.close();
  }

  private static String domain(String arch, String cpu) {
    return "<domain type='test'><name>g</name><memory>131072</memory>"
        + "<os><type arch='"
        + arch
        + "'>hvm</type></os>"
        + cpu
        + "</domain>";
  }

  @Test
  void aGuestThatNamesNoCpuModelIsNotCompared() throws Exception {
    assertEquals(
        "not compared (the guest names no CPU model)",
        GuestCpuCheck.check(c, domain("aarch64", ""), "this host"));
  }

  @Test
  void aModelIsPutToLibvirtAndADriverThatCannotCompareSaysSo() throws Exception {
    // x86_64 without a <cpu> runs QEMU's default model, qemu64: that is what is compared
    for (String cpu : List.of("", "<cpu mode='custom'><model>qemu64</model></cpu>")) {
      String verdict = GuestCpuCheck.check(c, domain("x86_64", cpu), "this host");
      assertTrue(verdict.startsWith("not compared (this function is not supported"), verdict);
    }
  }
}
