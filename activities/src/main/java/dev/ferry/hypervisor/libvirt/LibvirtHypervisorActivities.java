package dev.ferry.hypervisor.libvirt;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.hypervisor.libvirt.live.GuestCpuCheck;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostFacts;
import dev.ferry.model.Names;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HypervisorActivities} on this host's libvirt. A domain's UUID is its instance id. Every
 * method is idempotent: it looks at the domain first and does only what is still missing.
 *
 * <p>Failures: a missing domain where one is required, and input libvirt rejects as invalid, fail
 * non-retryably as {@link FerryRejection} types; an unreachable libvirt and other libvirt errors
 * are retryable.
 */
public class LibvirtHypervisorActivities implements HypervisorActivities {

  private static final Logger log = LoggerFactory.getLogger(LibvirtHypervisorActivities.class);

  private final LibvirtConnection connection;
  private final GuestTemplate template;
  private final DomainStarts starts;
  private final GracefulShutdown.Request shutdownRequest;

  public LibvirtHypervisorActivities(LibvirtConnection connection, GuestTemplate template) {
    this(connection, template, new DomainStarts(Clock.systemUTC()), GracefulShutdown.ACPI);
  }

  /**
   * @param starts when this agent booted which domain
   * @param shutdownRequest how a graceful power-off asks the guest to shut down
   */
  LibvirtHypervisorActivities(
      LibvirtConnection connection,
      GuestTemplate template,
      DomainStarts starts,
      GracefulShutdown.Request shutdownRequest) {
    this.connection = connection;
    this.template = template;
    this.starts = starts;
    this.shutdownRequest = shutdownRequest;
  }

  @Override
  public String checkGuestCpu(String domainXml) {
    String here = connection.uri().startsWith("qemu:///") ? "this host" : connection.uri();
    return activity(
        "checkGuestCpu", () -> connection.read(c -> GuestCpuCheck.check(c, domainXml, here)));
  }

  @Override
  public HostFacts hostFacts() {
    return activity(
        "hostFacts",
        () ->
            connection.read(
                c -> {
                  NodeInfo node = c.nodeInfo();
                  return new HostFacts(
                      c.getType(),
                      c.getVersion(),
                      c.getLibVersion(),
                      node.cpus,
                      node.memory / 1024);
                }));
  }

  @Override
  public DomainView inspect(String instanceId) {
    String uuid = Domains.requireUuid(instanceId);
    return activity("inspect " + uuid, () -> connection.read(c -> Domains.viewOrAbsent(c, uuid)));
  }

  /** Every domain, sorted by name; without {@code inactiveXml}, to keep the result small. */
  @Override
  public List<DomainView> listDomains() {
    return activity(
        "listDomains",
        () ->
            connection.read(
                c -> {
                  List<DomainView> views = new ArrayList<>();
                  for (Domain domain : c.listAllDomains(0)) {
                    try {
                      views.add(Domains.view(domain, false));
                    } catch (LibvirtException e) {
                      if (!LibvirtFailures.isNoDomain(e)) {
                        throw e;
                      }
                      // undefined while we listed: it is not on the host any more
                    }
                  }
                  views.sort(Comparator.comparing(DomainView::name));
                  return views;
                }));
  }

  /**
   * Defines the domain from the spec's base XML (or this host's guest template), with the spec's
   * name, UUID and flavor and Ferry's tag at the spec's epoch, and makes sure it does not autostart
   * (libvirtd would start a stale copy before the agent could stop it). A running domain keeps
   * running; its new definition applies from its next start.
   */
  @Override
  public DomainView define(DomainSpec spec) {
    String uuid = validate(spec);
    return activity(
        "define " + uuid,
        () ->
            connection.call(
                c -> {
                  String xml = definitionOf(spec, uuid, c.getType());
                  Domain existing = Domains.find(c, uuid);
                  Domain sameName = Domains.findByName(c, spec.name());
                  if (sameName != null && !uuid.equals(sameName.getUUIDString())) {
                    throw new FerryRejection(
                        Reason.DUPLICATE_NAME,
                        "another domain named '"
                            + spec.name()
                            + "' exists on this host (uuid "
                            + sameName.getUUIDString()
                            + ")");
                  }
                  Domain domain =
                      existing != null && !existing.getName().equals(spec.name())
                          ? DomainChanges.redefineRenamed(c, existing, xml, spec.name())
                          : c.domainDefineXML(xml);
                  DomainChanges.disableAutostart(domain);
                  if (domain.isActive() == 1) {
                    // the running definition carries the tag too (migration sends it)
                    DomainChanges.setTagLive(domain, new FerryTag(uuid, spec.epoch()));
                  }
                  return Domains.view(domain, true);
                }));
  }

  @Override
  public DomainView powerOn(String instanceId) {
    String uuid = Domains.requireUuid(instanceId);
    return activity(
        "powerOn " + uuid,
        () ->
            connection.call(
                c -> {
                  Domain domain = Domains.require(c, uuid, connection.uri());
                  if (domain.getInfo().state == DomainState.VIR_DOMAIN_PAUSED) {
                    domain.resume();
                  } else if (domain.isActive() != 1) {
                    // a managed-save image restores a running OS: that is no boot
                    boolean boots = !Domains.hasManagedSaveImage(domain);
                    try {
                      domain.create();
                      if (boots) {
                        starts.booted(uuid);
                      }
                    } catch (LibvirtException e) {
                      if (domain.isActive() != 1) {
                        throw e; // else: a concurrent start won the race, which is fine
                      }
                    }
                  }
                  return Domains.view(domain, true);
                }));
  }

  /** libvirt's suspend; a paused guest is left as it is, a guest that does not run is refused. */
  @Override
  public DomainView pause(String instanceId) {
    String uuid = Domains.requireUuid(instanceId);
    return activity(
        "pause " + uuid,
        () ->
            connection.call(
                c -> {
                  Domain domain = Domains.require(c, uuid, connection.uri());
                  DomainState state = domain.getInfo().state;
                  if (state != DomainState.VIR_DOMAIN_PAUSED) {
                    requireRunning(domain, "pause");
                    domain.suspend();
                  }
                  return Domains.view(domain, true);
                }));
  }

  /**
   * Saves the guest's memory into the host's managed-save image and stops it; a guest saved already
   * is left as it is, one that does not run is refused.
   */
  @Override
  public DomainView managedSave(String instanceId) {
    String uuid = Domains.requireUuid(instanceId);
    return activity(
        "managedSave " + uuid,
        () ->
            connection.call(
                c -> {
                  Domain domain = Domains.require(c, uuid, connection.uri());
                  if (!(domain.isActive() != 1 && domain.hasManagedSaveImage() == 1)) {
                    requireRunning(domain, "suspend");
                    domain.managedSave();
                  }
                  starts.forget(uuid); // stopped: its restore resumes the OS, boots none
                  return Domains.view(domain, true);
                }));
  }

  private static void requireRunning(Domain domain, String what) throws LibvirtException {
    if (domain.isActive() != 1) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "cannot " + what + " " + domain.getName() + ": its guest does not run");
    }
  }

  /**
   * ACPI shutdown, polling up to {@code gracefulSeconds} ({@link GracefulShutdown}) and
   * heartbeating {@link dev.ferry.model.ShutdownWait} meanwhile, then destroy. A paused guest
   * cannot react to ACPI and {@code gracefulSeconds <= 0} asks for none: both are destroyed at
   * once, without a heartbeat.
   */
  @Override
  public DomainView powerOff(String instanceId, int gracefulSeconds) {
    String uuid = Domains.requireUuid(instanceId);
    return activity(
        "powerOff " + uuid,
        () -> {
          boolean running =
              GracefulShutdown.shutDown(
                  connection,
                  uuid,
                  gracefulSeconds,
                  starts.since(uuid).orElse(null),
                  shutdownRequest);
          if (running) {
            connection.call(c -> DomainChanges.destroyIfActive(Domains.find(c, uuid)));
          }
          starts.forget(uuid); // it is off: its next start is a new boot
          return connection.read(c -> Domains.viewOrAbsent(c, uuid));
        });
  }

  /**
   * Destroys and undefines the domain when its tag's epoch is at most {@code epochAtMost}: a copy
   * of a newer epoch is kept (the returned view shows its epoch). A domain without Ferry's tag is
   * not Ferry's to remove: refused (INVALID_STATE) unless {@code epochAtMost == Long.MAX_VALUE}.
   */
  @Override
  public DomainView remove(String instanceId, long epochAtMost) {
    String uuid = Domains.requireUuid(instanceId);
    return activity(
        "remove " + uuid,
        () ->
            connection.call(
                c -> {
                  Domain domain = Domains.find(c, uuid);
                  if (domain == null) {
                    return DomainView.absent(uuid);
                  }
                  DomainView found = Domains.view(domain, true);
                  if (found.ferryInstanceId() == null && epochAtMost != Long.MAX_VALUE) {
                    throw new FerryRejection(
                        Reason.INVALID_STATE,
                        "domain "
                            + found.name()
                            + " ("
                            + uuid
                            + ") carries no Ferry tag: refusing to remove a domain Ferry did not"
                            + " define (adopt it first, or remove it regardless of epoch)");
                  }
                  if (found.ferryInstanceId() != null && found.epoch() > epochAtMost) {
                    log.info(
                        "keeping {} ({}): its epoch {} is newer than {}",
                        found.name(),
                        uuid,
                        found.epoch(),
                        epochAtMost);
                    return found;
                  }
                  DomainChanges.destroyIfActive(domain);
                  DomainChanges.undefine(domain);
                  starts.forget(uuid);
                  return found;
                }));
  }

  /**
   * Tags a domain Ferry did not define: its UUID becomes the instance id, epoch 0, and autostart is
   * turned off. A domain that already carries the tag keeps its epoch.
   */
  @Override
  public DomainView adopt(String domainName) {
    if (domainName == null || domainName.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "adopt needs a domain name").toFailure();
    }
    return activity(
        "adopt " + domainName,
        () ->
            connection.call(
                c -> {
                  Domain domain = Domains.findByName(c, domainName);
                  if (domain == null) {
                    throw new FerryRejection(
                        Reason.UNKNOWN_INSTANCE,
                        "no domain named '" + domainName + "' on " + connection.uri());
                  }
                  if (Domains.view(domain, false).ferryInstanceId() == null) {
                    if (domain.isPersistent() != 1) {
                      throw new FerryRejection(
                          Reason.INVALID_STATE,
                          "domain '"
                              + domainName
                              + "' is transient: define it persistently before adopting it");
                    }
                    DomainChanges.setTag(c, domain, new FerryTag(domain.getUUIDString(), 0));
                  }
                  DomainChanges.disableAutostart(domain);
                  return Domains.view(domain, true);
                }));
  }

  // --- the pieces ---

  private String definitionOf(DomainSpec spec, String uuid, String hypervisorType) {
    boolean fromBase = spec.baseXml() != null && !spec.baseXml().isBlank();
    DomainXml xml;
    try {
      xml = DomainXml.parse(fromBase ? spec.baseXml() : template.render(spec, hypervisorType));
    } catch (IllegalArgumentException e) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT, "server " + uuid + " has unusable XML: " + e.getMessage());
    }
    xml.setName(spec.name())
        .setUuid(uuid)
        .applyFlavor(spec.flavor())
        .setFerryTag(new FerryTag(uuid, spec.epoch()))
        .stripHostSpecifics();
    if (fromBase && spec.diskPath() != null && !spec.diskPath().isBlank()) {
      xml.setDiskSource(spec.diskPath());
    }
    return xml.toXml();
  }

  private static String validate(DomainSpec spec) {
    if (spec == null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "define needs a spec").toFailure();
    }
    String uuid = Domains.requireUuid(spec.instanceId());
    try {
      Names.requireValidName("server", spec.name());
    } catch (FerryRejection e) {
      throw e.toFailure();
    }
    if (spec.flavor() == null || spec.flavor().vcpus() < 1 || spec.flavor().memoryMb() < 1) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT,
              "server " + uuid + " needs a flavor with vCPUs and memory, got " + spec.flavor())
          .toFailure();
    }
    if (spec.epoch() < 0) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "server " + uuid + " has a negative epoch")
          .toFailure();
    }
    return uuid;
  }

  private <T> T activity(String what, ActivityBoundary.Body<T> body) {
    return ActivityBoundary.run(what, connection.uri(), body);
  }
}
