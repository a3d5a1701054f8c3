package dev.ferry.hypervisor.libvirt;

import static dev.ferry.hypervisor.libvirt.DomainXml.escape;

import dev.ferry.model.DomainSpec;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Builds a new domain definition for an instance that has none yet (a {@link DomainSpec} without
 * base XML), for this host's hypervisor. QEMU guests run under TCG ({@code type='qemu'}: Linux
 * guests hang under this machine's nested KVM) and boot a configured kernel directly; their serial
 * console is logged, appending, to {@code <consoleDir>/<instanceId>.log}, so one log spans every
 * host the guest runs on.
 */
public final class GuestTemplate {

  /**
   * What a QEMU guest boots. Paths are as seen by the host's libvirtd.
   *
   * @param kernel the guest kernel for direct kernel boot
   * @param initrd its initramfs
   * @param cmdline kernel arguments after {@code console=ttyS0}; may be null
   * @param consoleDir where serial console logs go; null for no log
   */
  public record Settings(String kernel, String initrd, String cmdline, String consoleDir) {

    /** For hosts that only run the test driver: no guest to boot. */
    public static Settings none() {
      return new Settings(null, null, null, null);
    }
  }

  private final Settings settings;

  public GuestTemplate(Settings settings) {
    this.settings = settings;
  }

  /**
   * The definition of {@code spec} for a hypervisor whose libvirt type ({@code Connect.getType()})
   * is {@code hypervisorType}.
   *
   * @throws FerryRejection when this host cannot build a guest of that kind
   */
  public String render(DomainSpec spec, String hypervisorType) {
    return switch (hypervisorType.toUpperCase(Locale.ROOT)) {
      case "TEST" -> testDomain(spec);
      case "QEMU" -> qemuDomain(spec);
      default ->
          throw new FerryRejection(
              Reason.HYPERVISOR_INCOMPATIBLE,
              "no guest template for hypervisor type '" + hypervisorType + "'");
    };
  }

  /** The console log of an instance, or null when consoles are not logged. */
  public String consoleLog(String instanceId) {
    return settings.consoleDir() == null
        ? null
        : Path.of(settings.consoleDir(), instanceId + ".log").toString();
  }

  private String testDomain(DomainSpec spec) {
    return """
        <domain type='test'>
          <name>%s</name>
          <uuid>%s</uuid>
          <memory unit='MiB'>%d</memory>
          <currentMemory unit='MiB'>%d</currentMemory>
          <vcpu>%d</vcpu>
          <os>
            <type arch='x86_64'>hvm</type>
          </os>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
        %s  </devices>
        </domain>
        """
        .formatted(
            escape(spec.name()),
            escape(spec.instanceId()),
            spec.flavor().memoryMb(),
            spec.flavor().memoryMb(),
            spec.flavor().vcpus(),
            disk(spec));
  }

  private String qemuDomain(DomainSpec spec) {
    if (settings.kernel() == null || settings.initrd() == null) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "this host agent has no guest kernel and initrd configured: cannot build a new guest");
    }
    String cmdline =
        settings.cmdline() == null || settings.cmdline().isBlank()
            ? "console=ttyS0"
            : "console=ttyS0 " + settings.cmdline().trim();
    return """
        <domain type='qemu'>
          <name>%s</name>
          <uuid>%s</uuid>
          <memory unit='MiB'>%d</memory>
          <currentMemory unit='MiB'>%d</currentMemory>
          <vcpu>%d</vcpu>
          <os>
            <type arch='x86_64' machine='pc'>hvm</type>
            <kernel>%s</kernel>
            <initrd>%s</initrd>
            <cmdline>%s</cmdline>
          </os>
          <features>
            <acpi/>
          </features>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
        %s%s    <memballoon model='none'/>
          </devices>
        </domain>
        """
        .formatted(
            escape(spec.name()),
            escape(spec.instanceId()),
            spec.flavor().memoryMb(),
            spec.flavor().memoryMb(),
            spec.flavor().vcpus(),
            escape(settings.kernel()),
            escape(settings.initrd()),
            escape(cmdline),
            disk(spec),
            serialConsole(spec.instanceId()));
  }

  private static String disk(DomainSpec spec) {
    if (spec.diskPath() == null || spec.diskPath().isBlank()) {
      return "";
    }
    // cache='none': libvirt calls live migration with any other cache mode unsafe
    return """
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2' cache='none'/>
              <source file='%s'/>
              <target dev='vda' bus='virtio'/>
            </disk>
        """
        .formatted(escape(spec.diskPath()));
  }

  private String serialConsole(String instanceId) {
    String log = consoleLog(instanceId);
    // append: the log continues across restarts and hosts, so a counter in it proves continuity
    String logElement = log == null ? "" : "      <log file='" + escape(log) + "' append='on'/>\n";
    return """
            <serial type='pty'>
        %s      <target port='0'/>
            </serial>
            <console type='pty'>
              <target type='serial' port='0'/>
            </console>
        """
        .formatted(logElement);
  }
}
