package dev.ferry.evacuate;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.BaseImage;
import dev.ferry.model.DiskCopy;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.GuestState;
import dev.ferry.model.HostFacts;
import dev.ferry.model.PowerState;
import dev.ferry.model.RootDisk;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A host's agent over an in-memory libvirt: domains by UUID, every call logged (e.g. {@code define
 * epoch=4}), failures injectable per method.
 */
final class FakeHypervisor implements HypervisorActivities, DiskActivities {
  final String host;
  final Map<String, DomainView> domains = new ConcurrentHashMap<>();
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<DomainSpec> defined = new CopyOnWriteArrayList<>();
  volatile String failPowerOn;
  volatile String failDefine;

  /** The host's image store: base image name to its virtual size in MiB. */
  final Map<String, Long> images = new ConcurrentHashMap<>();

  /** The image is found once, then gone (removed from the store between the look and the copy). */
  volatile boolean removeImageOnFind;

  FakeHypervisor(String host) {
    this.host = host;
  }

  @Override
  public String checkGuestCpu(String domainXml) {
    return "not compared";
  }

  @Override
  public HostFacts hostFacts() {
    return new HostFacts("QEMU", 8_002_000L, 9_000_000L, 4, 8192);
  }

  @Override
  public DomainView inspect(String instanceId) {
    calls.add("inspect");
    return domains.getOrDefault(instanceId, DomainView.absent(instanceId));
  }

  @Override
  public List<DomainView> listDomains() {
    return List.copyOf(domains.values());
  }

  @Override
  public DomainView define(DomainSpec spec) {
    calls.add("define epoch=" + spec.epoch());
    defined.add(spec);
    if (failDefine != null) {
      throw ApplicationFailure.newNonRetryableFailure(failDefine, "FerryRejection.INVALID_STATE");
    }
    DomainView view =
        new DomainView(
            true,
            spec.instanceId(),
            spec.name(),
            PowerState.SHUTDOWN,
            spec.flavor().vcpus(),
            spec.flavor().memoryMb(),
            spec.instanceId(),
            spec.epoch(),
            "<domain host='" + host + "' epoch='" + spec.epoch() + "'/>");
    domains.put(spec.instanceId(), view);
    return view;
  }

  @Override
  public DomainView pause(String instanceId) {
    calls.add("pause");
    return throughState(instanceId, PowerState.PAUSED);
  }

  @Override
  public DomainView managedSave(String instanceId) {
    calls.add("managedSave");
    DomainView d = domains.get(instanceId);
    DomainView saved =
        new DomainView(
            true,
            d.uuid(),
            d.name(),
            PowerState.SHUTDOWN,
            d.vcpus(),
            d.memoryMb(),
            d.ferryInstanceId(),
            d.epoch(),
            d.inactiveXml(),
            GuestState.SAVED);
    domains.put(instanceId, saved);
    return saved;
  }

  private DomainView throughState(String instanceId, PowerState state) {
    DomainView d = domains.get(instanceId);
    DomainView now =
        new DomainView(
            true,
            d.uuid(),
            d.name(),
            state,
            d.vcpus(),
            d.memoryMb(),
            d.ferryInstanceId(),
            d.epoch(),
            d.inactiveXml());
    domains.put(instanceId, now);
    return now;
  }

  @Override
  public DomainView powerOn(String instanceId) {
    calls.add("powerOn");
    if (failPowerOn != null) {
      throw ApplicationFailure.newNonRetryableFailure(failPowerOn, "LibvirtError");
    }
    DomainView d = domains.get(instanceId);
    DomainView on =
        new DomainView(
            true,
            d.uuid(),
            d.name(),
            PowerState.RUNNING,
            d.vcpus(),
            d.memoryMb(),
            d.ferryInstanceId(),
            d.epoch(),
            d.inactiveXml());
    domains.put(instanceId, on);
    return on;
  }

  @Override
  public DomainView powerOff(String instanceId, int gracefulSeconds) {
    calls.add("powerOff");
    throw new UnsupportedOperationException("an evacuation never powers off");
  }

  @Override
  public DomainView remove(String instanceId, long epochAtMost) {
    calls.add("remove epochAtMost=" + epochAtMost);
    DomainView d = domains.get(instanceId);
    if (d == null) {
      return DomainView.absent(instanceId);
    }
    if (d.epoch() <= epochAtMost) {
      domains.remove(instanceId);
    }
    return d;
  }

  @Override
  public DomainView adopt(String domainName) {
    throw new UnsupportedOperationException();
  }

  // ---- disks

  @Override
  public String createDisk(String instanceId, long sizeMb, boolean shared) {
    calls.add("createDisk " + sizeMb + (shared ? " shared" : " local"));
    return (shared ? "/var/lib/ferry/shared/" : "/var/lib/ferry/local/") + instanceId + ".qcow2";
  }

  @Override
  public BaseImage findImage(String image) {
    calls.add("findImage " + image);
    Long mb = removeImageOnFind ? images.remove(image) : images.get(image);
    return mb == null ? null : new BaseImage(image, imagePath(image), "qcow2", mb << 20);
  }

  @Override
  public RootDisk createDiskFromImage(
      String instanceId, String image, long sizeMb, boolean shared) {
    calls.add("createDiskFromImage " + image + " " + sizeMb + (shared ? " shared" : " local"));
    Long mb = images.get(image);
    if (mb == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no base image " + image, "FerryRejection.UNKNOWN_IMAGE");
    }
    String dir = shared ? "/var/lib/ferry/shared/" : "/var/lib/ferry/local/";
    return new RootDisk(
        dir + instanceId + ".qcow2",
        Math.max(sizeMb, mb),
        new BaseImage(image, imagePath(image), "qcow2", mb << 20));
  }

  static String imagePath(String image) {
    return "/var/lib/ferry/images/" + image;
  }

  @Override
  public void writeProbe(String probePath) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean probeExists(String probePath) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void removeProbe(String probePath) {
    throw new UnsupportedOperationException();
  }

  @Override
  public DiskCopy copyDisk(String path, String destLibvirtUri, String destPath) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean deleteDisk(String path) {
    calls.add("deleteDisk " + path);
    return true;
  }
}
