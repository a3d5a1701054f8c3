package dev.ferry.worker.config;

import dev.ferry.fencing.BmcTarget;
import dev.ferry.fencing.FencingConfig;
import dev.ferry.model.BlockMigration;
import dev.ferry.model.HostInventory;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.Settings;
import dev.ferry.model.TimeoutAction;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything a Ferry process is configured with ({@code application.yml}, overridable by
 * environment, e.g. {@code FERRY_HOST_NAME}). {@code role} picks the process: {@code engine},
 * {@code conductor} or {@code agent}.
 */
@ConfigurationProperties(prefix = "ferry")
public record FerryProperties(
    @DefaultValue("conductor") String role,
    @DefaultValue Temporal temporal,
    @DefaultValue Engine engine,
    @DefaultValue Conductor conductor,
    @DefaultValue Host host,
    @DefaultValue Fencing fencing) {

  /**
   * Where the Temporal frontend is. Sticky caching (on) must be off against the Java test server.
   */
  public record Temporal(
      @DefaultValue("localhost:7233") String target,
      @DefaultValue("default") String namespace,
      @DefaultValue("true") boolean sticky,
      @DefaultValue("10s") Duration connectTimeout) {}

  /** The Java test server engine (role `engine`): for when the Temporal CLI cannot be built. */
  public record Engine(@DefaultValue("7233") int port) {}

  /** Cluster-wide settings, pushed to placement when the conductor starts. */
  public record Conductor(
      @DefaultValue("false") boolean allowResizeToSameHost,
      @DefaultValue("1h") Duration resizeConfirmWindow,
      @DefaultValue("1") int maxConcurrentLiveMigrations,
      @DefaultValue("60s") Duration gracefulShutdownTimeout,
      @DefaultValue LiveMigration liveMigration) {

    public Settings settings() {
      return new Settings(
          allowResizeToSameHost,
          resizeConfirmWindow.toSeconds(),
          maxConcurrentLiveMigrations,
          (int) gracefulShutdownTimeout.toSeconds(),
          liveMigration.defaults());
    }
  }

  /**
   * The cluster's defaults for what a live-migration request leaves unset ({@code
   * ferry.conductor.live-migration.*}); Nova's unless configured. A move reads them once, when it
   * starts.
   */
  public record LiveMigration(
      @DefaultValue("0") long bandwidthMibs,
      @DefaultValue("500ms") Duration maxDowntime,
      @DefaultValue("800s") Duration completionTimeoutPerGib,
      @DefaultValue("abort") TimeoutAction timeoutAction,
      @DefaultValue("150s") Duration progressTimeout,
      @DefaultValue("false") boolean permitAutoConverge,
      @DefaultValue("false") boolean permitPostCopy,
      @DefaultValue("3") int maxRetries,
      @DefaultValue("1h") Duration queueTimeout) {

    /** As options; refuses values a request would be refused for, so a bad config fails start. */
    public LiveMigrationOptions defaults() {
      LiveMigrationOptions o =
          new LiveMigrationOptions(
              BlockMigration.AUTO,
              bandwidthMibs,
              maxDowntime.toMillis(),
              completionTimeoutPerGib.toSeconds(),
              timeoutAction,
              progressTimeout.toSeconds(),
              permitAutoConverge,
              permitPostCopy,
              maxRetries,
              queueTimeout.toSeconds());
      String invalid = o.invalidReason();
      if (invalid != null) {
        throw new IllegalArgumentException("ferry.conductor.live-migration: " + invalid);
      }
      return o;
    }
  }

  /** One compute host served by a host agent. */
  public record Host(
      String name,
      String libvirtUri,
      String migrationUri,
      @DefaultValue("16") int vcpus,
      @DefaultValue("16384") int memoryMb,
      @DefaultValue("200") int diskGb,
      @DefaultValue("4.0") double cpuAllocationRatio,
      @DefaultValue("1.0") double ramAllocationRatio,
      @DefaultValue("1.0") double diskAllocationRatio,
      @DefaultValue("10m") Duration leasePeriod,
      @DefaultValue("1") int maxConcurrentLiveMigrations,
      @DefaultValue Guest guest,
      @DefaultValue Disk disk) {

    public HostInventory inventory() {
      return new HostInventory(
          vcpus, memoryMb, diskGb, cpuAllocationRatio, ramAllocationRatio, diskAllocationRatio);
    }
  }

  /**
   * Where instance disks live on this host, as its libvirtd sees them (a directory storage pool
   * each), where its base images are (the image store root disks are made from: {@code server
   * create --image}, the rebuild of an evacuated host-local disk), and how fast a cold migration
   * may copy a disk (MiB/s; 0 = no cap).
   */
  public record Disk(
      @DefaultValue("/var/lib/ferry/local") String localDir,
      @DefaultValue("/var/lib/ferry/shared") String sharedDir,
      @DefaultValue("/var/lib/ferry/images") String imagesDir,
      @DefaultValue("0") long copyMaxMibPerSecond) {}

  /**
   * How the conductor fences a failed host before an evacuation ({@code ferry.fencing.*}).
   *
   * @param defaultMethod when an evacuation names none: confirmed-off, libvirt-destroy, ipmi,
   *     redfish
   * @param libvirtUris per host, a libvirt URI THE CONDUCTOR can reach (an agent's {@code
   *     qemu:///system} is local to its own host), e.g. {@code qemu+tcp://host-a/system}
   * @param bmc per host, its BMC for ipmi / redfish: {@code type}, {@code address}, {@code
   *     username}, {@code password}
   */
  public record Fencing(
      @DefaultValue("libvirt-destroy") String defaultMethod,
      Map<String, String> libvirtUris,
      Map<String, Bmc> bmc,
      @DefaultValue("15s") Duration libvirtOpenTimeout) {

    public FencingConfig config() {
      Map<String, BmcTarget> targets = new LinkedHashMap<>();
      if (bmc != null) {
        bmc.forEach(
            (host, b) ->
                targets.put(
                    host, new BmcTarget(b.type(), b.address(), b.username(), b.password())));
      }
      return new FencingConfig(defaultMethod, libvirtUris, targets, libvirtOpenTimeout);
    }
  }

  /** A host's baseboard management controller (credentials: keep them out of logs). */
  public record Bmc(String type, String address, String username, String password) {
    @Override
    public String toString() {
      return "Bmc[type=" + type + ", address=" + address + ", username=" + username + "]";
    }
  }

  /** How new QEMU guests boot on this host (direct kernel boot). */
  public record Guest(String kernel, String initrd, String cmdline, String consoleDir) {}
}
