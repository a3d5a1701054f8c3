package dev.ferry.hypervisor.libvirt;

import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.GuestObservation;
import dev.ferry.model.GuestState;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;

/**
 * Finding a host's domains and describing them as Ferry sees them. A domain's UUID is its instance
 * id.
 */
public final class Domains {

  private Domains() {}

  /** The instance id as libvirt spells a UUID; a non-UUID is a non-retryable INVALID_ARGUMENT. */
  public static String requireUuid(String instanceId) {
    if (!Names.isUuid(instanceId)) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT, "server id '" + instanceId + "' is not a UUID")
          .toFailure();
    }
    return instanceId.toLowerCase(Locale.ROOT);
  }

  /** The domain with this UUID, or null. */
  public static Domain find(Connect c, String uuid) throws LibvirtException {
    return orNull(c, connect -> connect.domainLookupByUUIDString(uuid));
  }

  /** The domain with this name, or null. */
  public static Domain findByName(Connect c, String name) throws LibvirtException {
    return orNull(c, connect -> connect.domainLookupByName(name));
  }

  private static Domain orNull(Connect c, LibvirtCall<Domain> lookup) throws LibvirtException {
    try {
      return lookup.apply(c);
    } catch (LibvirtException e) {
      if (LibvirtFailures.isNoDomain(e)) {
        return null;
      }
      throw e;
    }
  }

  /** The domain with this UUID; UNKNOWN_INSTANCE naming {@code where} when there is none. */
  public static Domain require(Connect c, String uuid, String where) throws LibvirtException {
    Domain domain = find(c, uuid);
    if (domain == null) {
      throw new FerryRejection(
          Reason.UNKNOWN_INSTANCE, "no domain with uuid " + uuid + " on " + where);
    }
    return domain;
  }

  /** False for a missing domain and for one that is gone by the time it is asked. */
  public static boolean isActive(Domain domain) throws LibvirtException {
    try {
      return domain != null && domain.isActive() == 1;
    } catch (LibvirtException e) {
      if (LibvirtFailures.isNoDomain(e)) {
        return false; // a transient domain is gone once it stops
      }
      throw e;
    }
  }

  /** The view of the domain with this UUID; absent when there is none (or it just went). */
  public static DomainView viewOrAbsent(Connect c, String uuid) throws LibvirtException {
    Domain domain = find(c, uuid);
    try {
      return domain == null ? DomainView.absent(uuid) : view(domain, true);
    } catch (LibvirtException e) {
      if (LibvirtFailures.isNoDomain(e)) {
        return DomainView.absent(uuid); // undefined while we looked
      }
      throw e;
    }
  }

  /**
   * What the host has: power state from the running domain; name, flavor and tag from the
   * persistent definition (what define wrote, and what the next start uses). Epoch -1 when the
   * domain carries no Ferry tag.
   */
  public static DomainView view(Domain domain, boolean withXml) throws LibvirtException {
    PowerState state = powerState(domain.getInfo().state);
    GuestState guest = guestState(domain, state);
    DomainXml xml = DomainXml.parse(migratableInactiveXml(domain)).stripHostSpecifics();
    Optional<FerryTag> tag = xml.ferryTag();
    return new DomainView(
        true,
        domain.getUUIDString(),
        domain.getName(),
        state,
        xml.vcpus(),
        xml.memoryMb(),
        tag.map(FerryTag::instanceId).orElse(null),
        tag.map(FerryTag::epoch).orElse(-1L),
        withXml ? xml.toXml() : null,
        guest);
  }

  /** What the guest is doing: shut off with a managed-save image is SAVED (it resumes from it). */
  private static GuestState guestState(Domain domain, PowerState power) throws LibvirtException {
    GuestState state = GuestState.of(true, power);
    if (state != GuestState.SHUT_OFF) {
      return state;
    }
    return hasManagedSaveImage(domain) ? GuestState.SAVED : state;
  }

  /** Whether its next start restores a managed-save image (resumes the OS) rather than boots. */
  public static boolean hasManagedSaveImage(Domain domain) throws LibvirtException {
    try {
      return domain.hasManagedSaveImage() == 1;
    } catch (LibvirtException e) {
      if (LibvirtFailures.isUnsupported(e)) {
        return false; // a driver without managed save has no such image
      }
      throw e;
    }
  }

  /**
   * The guest with this UUID as its instance record would take it: MISSING (epoch -1) when the host
   * has no such domain; empty for a domain without Ferry's tag, which is not Ferry's to report.
   */
  public static Optional<GuestObservation> observe(Connect c, String host, String uuid)
      throws LibvirtException {
    Domain domain = find(c, uuid);
    try {
      if (domain == null) {
        return Optional.of(missing(host, uuid));
      }
      DomainView view = view(domain, false);
      if (view.ferryInstanceId() == null) {
        return Optional.empty();
      }
      String reason = StateReasons.of(domain);
      // a guest that crashed with on_crash=destroy is shut off, for the reason that it crashed
      GuestState guest =
          view.guest() == GuestState.SHUT_OFF && StateReasons.SHUT_OFF_CRASHED.equals(reason)
              ? GuestState.CRASHED
              : view.guest();
      return Optional.of(
          new GuestObservation(view.ferryInstanceId(), host, view.epoch(), guest, reason));
    } catch (LibvirtException e) {
      if (LibvirtFailures.isNoDomain(e)) {
        return Optional.of(missing(host, uuid)); // undefined while we looked
      }
      throw e;
    }
  }

  private static GuestObservation missing(String host, String uuid) {
    return new GuestObservation(uuid, host, -1, GuestState.MISSING, null);
  }

  /** The UUIDs of every domain the host has, running or not. */
  public static List<String> uuids(Connect c) throws LibvirtException {
    List<String> uuids = new ArrayList<>();
    for (Domain domain : c.listAllDomains(0)) {
      uuids.add(domain.getUUIDString());
    }
    return uuids;
  }

  /** The definition that can travel: inactive, migratable, never secure (no passwords). */
  private static String migratableInactiveXml(Domain domain) throws LibvirtException {
    try {
      return domain.getXMLDesc(Domain.XMLFlags.INACTIVE | Domain.XMLFlags.MIGRATABLE);
    } catch (LibvirtException e) {
      if (!LibvirtFailures.isUnsupported(e)) {
        throw e;
      }
      return domain.getXMLDesc(Domain.XMLFlags.INACTIVE); // stripped by DomainXml instead
    }
  }

  /** Nova's mapping: blocked is running (waiting on I/O), shutdown (in progress) is shut down. */
  public static PowerState powerState(DomainState state) {
    return switch (state) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> PowerState.RUNNING;
      case VIR_DOMAIN_PAUSED -> PowerState.PAUSED;
      case VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTOFF -> PowerState.SHUTDOWN;
      case VIR_DOMAIN_CRASHED -> PowerState.CRASHED;
      case VIR_DOMAIN_PMSUSPENDED -> PowerState.SUSPENDED;
      default -> PowerState.NOSTATE;
    };
  }
}
