package dev.ferry.hypervisor.libvirt.live;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.jna.ConnectionPointer;
import org.libvirt.jna.DomainPointer;

/**
 * libvirt calls libvirt-java 0.5.4 lacks, bound directly with JNA (as the reference LibvirtExtra):
 * post-copy, the domain state with its reason, and the hypervisor-aware CPU comparison.
 */
public interface LibvirtNative extends com.sun.jna.Library {
  LibvirtNative INSTANCE = Native.load("virt", LibvirtNative.class);

  int virDomainMigrateStartPostCopy(DomainPointer dom, int flags);

  int virDomainMigrateSetMaxSpeed(DomainPointer dom, long bandwidthMiBs, int flags);

  int virDomainGetState(DomainPointer dom, IntByReference state, IntByReference reason, int flags);

  int virConnectCompareHypervisorCPU(
      ConnectionPointer conn,
      String emulator,
      String arch,
      String machine,
      String virttype,
      String xmlCPU,
      int flags);

  String virGetLastErrorMessage();

  /** virDomainState and its reason. */
  record State(int state, int reason) {}

  static State state(Domain d) {
    IntByReference state = new IntByReference();
    IntByReference reason = new IntByReference();
    if (INSTANCE.virDomainGetState(ptr(d), state, reason, 0) < 0) {
      throw new IllegalStateException("virDomainGetState failed: " + lastError());
    }
    return new State(state.getValue(), reason.getValue());
  }

  static void startPostCopy(Domain d) {
    if (INSTANCE.virDomainMigrateStartPostCopy(ptr(d), 0) < 0) {
      throw new IllegalStateException("virDomainMigrateStartPostCopy failed: " + lastError());
    }
  }

  static void setMaxSpeed(Domain d, long mibs) {
    if (INSTANCE.virDomainMigrateSetMaxSpeed(ptr(d), mibs, 0) < 0) {
      throw new IllegalStateException("virDomainMigrateSetMaxSpeed failed: " + lastError());
    }
  }

  /**
   * virConnectCompareHypervisorCPU: -1 error (message from {@link #lastError}), 0 incompatible, 1
   * identical, 2 superset.
   */
  static int compareHypervisorCpu(
      Connect c, String emulator, String arch, String machine, String virttype, String xml) {
    return INSTANCE.virConnectCompareHypervisorCPU(
        connPtr(c), emulator, arch, machine, virttype, xml, 0);
  }

  static String lastError() {
    try {
      String m = INSTANCE.virGetLastErrorMessage();
      return m == null ? "unknown libvirt error" : m;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return "unknown libvirt error";
    }
  }

  /** Domain.vdp is package-private: classpath reflection is allowed on Java 17. */
  static DomainPointer ptr(Domain d) {
    try {
      var f = Domain.class.getDeclaredField("vdp");
      f.setAccessible(true);
      return (DomainPointer) f.get(d);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  static ConnectionPointer connPtr(Connect c) {
    try {
      var f = Connect.class.getDeclaredField("vcp");
      f.setAccessible(true);
      return (ConnectionPointer) f.get(c);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
