package dev.ferry.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.FenceRequest;
import dev.ferry.evacuate.FenceResult;
import dev.ferry.hypervisor.libvirt.GuestTemplate;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.Flavors;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * libvirt-destroy on the REAL test bed (testbed/README.md): a TCG guest runs on a simulated host;
 * the conductor-side method destroys it through that host's libvirtd, reached by the unix-socket
 * URI from the root namespace (as {@code ferry.fencing.libvirt-uris.<host>} would configure it).
 * Skipped unless the bed's host is up: {@code testbed/hosts-up.sh host-fence} (or pass {@code
 * -Dferry.testbed.host=host-a}).
 */
class FencingTestbedTest {

  private static final Path TB =
      Path.of(System.getenv().getOrDefault("FERRY_TB", "/var/tmp/ferry-testbed"));
  private static final String HOST = System.getProperty("ferry.testbed.host", "host-fence");

  @Test
  void libvirtDestroyStopsTheGuestOnTheBedAndFailsOnceTheHostIsGone() throws Exception {
    Path socket = TB.resolve("hosts").resolve(HOST).resolve("run/libvirt-sock");
    Assumptions.assumeTrue(Files.exists(socket), "test bed host " + HOST + " is not up: " + socket);
    String uri = "qemu+unix:///system?socket=" + socket;
    Connect c;
    try {
      c = new Connect(uri);
    } catch (Exception e) {
      Assumptions.abort("test bed host " + HOST + " does not answer: " + e.getMessage());
      return;
    }
    Path kernel = TB.resolve("guest/vmlinuz");
    Path initrd = TB.resolve("guest/initrd.img");
    Assumptions.assumeTrue(Files.exists(kernel) && Files.exists(initrd), "no guest kernel built");

    String id = UUID.randomUUID().toString();
    String name = "fence-" + id.substring(0, 8);
    GuestTemplate template =
        new GuestTemplate(
            new GuestTemplate.Settings(kernel.toString(), initrd.toString(), "panic=-1", null));
    String xml =
        template.render(
            new DomainSpec(id, name, Flavors.require("t1.nano"), 1, null, null, null), "QEMU");
    Domain d = c.domainDefineXML(xml);
    try {
      d.create();
      assertEquals(1, d.isActive());
      FencingActivitiesImpl fencing =
          new FencingActivitiesImpl(
              new FencingConfig(null, Map.of(HOST, uri), null, Duration.ofSeconds(10)));

      long t0 = System.nanoTime();
      FenceResult r =
          fencing.fence(
              new FenceRequest(HOST, id, FenceMethods.LIBVIRT_DESTROY, "test", "qemu:///system"));
      long ms = (System.nanoTime() - t0) / 1_000_000;

      assertEquals(
          "destroyed domain " + name + " on host " + HOST + " through " + uri, r.summary());
      assertEquals(0, c.domainLookupByUUIDString(id).isActive());
      assertEquals(1, c.domainLookupByUUIDString(id).isPersistent()); // the agent undefines it
      System.out.println("libvirt-destroy on the bed took " + ms + " ms");

      // The same host, unreachable (a socket nobody serves): the method fails, retryably.
      FencingActivitiesImpl gone =
          new FencingActivitiesImpl(
              new FencingConfig(
                  null,
                  Map.of(HOST, "qemu+unix:///system?socket=" + socket + ".gone"),
                  null,
                  Duration.ofSeconds(5)));
      ApplicationFailure f =
          assertThrows(
              ApplicationFailure.class,
              () -> gone.fence(new FenceRequest(HOST, id, null, "test", null)));
      assertEquals(FenceMethods.FAILED, f.getType());
      assertTrue(f.getOriginalMessage().contains("does not answer"), f.getOriginalMessage());
    } finally {
      try {
        if (d.isActive() == 1) {
          d.destroy();
        }
        d.undefine();
      } finally {
        c.close();
      }
    }
  }
}
