package dev.ferry.worker.config;

import dev.ferry.model.HostInventory;
import dev.ferry.model.Settings;
import java.time.Duration;
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
    @DefaultValue Host host) {

  /** Where the Temporal frontend is. Sticky caching must stay off against the Java test server. */
  public record Temporal(
      @DefaultValue("localhost:7233") String target,
      @DefaultValue("default") String namespace,
      @DefaultValue("false") boolean sticky,
      @DefaultValue("10s") Duration connectTimeout) {}

  /** The embedded default engine: Temporal's Java test server on a local port. */
  public record Engine(@DefaultValue("7233") int port) {}

  /** Cluster-wide settings, pushed to placement when the conductor starts. */
  public record Conductor(
      @DefaultValue("false") boolean allowResizeToSameHost,
      @DefaultValue("1h") Duration resizeConfirmWindow,
      @DefaultValue("1") int maxConcurrentLiveMigrations,
      @DefaultValue("60s") Duration gracefulShutdownTimeout) {

    public Settings settings() {
      return new Settings(
          allowResizeToSameHost,
          resizeConfirmWindow.toSeconds(),
          maxConcurrentLiveMigrations,
          (int) gracefulShutdownTimeout.toSeconds());
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
      @DefaultValue Guest guest) {

    public HostInventory inventory() {
      return new HostInventory(
          vcpus, memoryMb, diskGb, cpuAllocationRatio, ramAllocationRatio, diskAllocationRatio);
    }
  }

  /** How new QEMU guests boot on this host (direct kernel boot). */
  public record Guest(String kernel, String initrd, String cmdline, String consoleDir) {}
}
