package dev.ferry.hypervisor.libvirt;

import dev.ferry.hypervisor.libvirt.live.LibvirtNative;
import java.util.List;
import org.libvirt.Domain;

/**
 * A domain's state with libvirt's reason for it, as virsh's {@code domstate --reason} spells it
 * ({@code crashed: panicked}). libvirt-java has no virDomainGetState: {@link LibvirtNative} binds
 * it.
 */
public final class StateReasons {

  /** virDomainState's names, by value. */
  private static final List<String> STATES =
      split("no state|running|blocked|paused|shutdown|shut off|crashed|pmsuspended");

  /** Each state's reasons (virDomainRunningReason and the like), by value. */
  private static final List<List<String>> REASONS =
      List.of(
          split("unknown"),
          split(
              "unknown|booted|migrated|restored|from snapshot|unpaused|migration canceled"
                  + "|save canceled|event wakeup|crashed|post-copy|post-copy failed"),
          split("unknown"),
          split(
              "unknown|user|migrating|saving|dumping|I/O error|watchdog|from snapshot"
                  + "|shutting down|creating snapshot|crashed|starting up|post-copy"
                  + "|post-copy failed|api error"),
          split("unknown|user"),
          split("unknown|shutdown|destroyed|crashed|migrated|saved|failed|from snapshot|daemon"),
          split("unknown|panicked"),
          split("unknown"));

  /** A guest that crashed and was destroyed for it (on_crash=destroy, libvirt's default). */
  public static final String SHUT_OFF_CRASHED = "shut off: crashed";

  private StateReasons() {}

  private static List<String> split(String names) {
    return List.of(names.split("\\|"));
  }

  /** The text for libvirt's state and reason values; numbers it does not know are shown as such. */
  public static String text(int state, int reason) {
    String name = state >= 0 && state < STATES.size() ? STATES.get(state) : "state " + state;
    List<String> reasons = state >= 0 && state < REASONS.size() ? REASONS.get(state) : List.of();
    return name + ": " + (reason >= 0 && reason < reasons.size() ? reasons.get(reason) : reason);
  }

  /**
   * The domain's state and reason; null when libvirt cannot tell (the domain went meanwhile): the
   * reason only explains a state read otherwise.
   */
  public static String of(Domain domain) {
    try {
      LibvirtNative.State s = LibvirtNative.state(domain);
      return text(s.state(), s.reason());
    } catch (IllegalStateException | UnsatisfiedLinkError e) {
      return null;
    }
  }
}
