package dev.ferry.hypervisor.libvirt;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostFacts;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import io.temporal.activity.Activity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.libvirt.Connect;
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

  /** How often powerOff looks whether the guest has shut down (and heartbeats). */
  static final Duration POWER_OFF_POLL = Duration.ofMillis(250);

  // VIR_DOMAIN_UNDEFINE_*: libvirt-java 0.5.4 lacks KEEP_NVRAM and CHECKPOINTS_METADATA.
  // NVRAM is kept: it may sit on shared storage and belong to the copy that lives on.
  private static final int UNDEFINE_KEEP_NVRAM = 8;
  private static final int UNDEFINE_CHECKPOINTS_METADATA = 16;
  private static final int UNDEFINE_BASIC =
      Domain.UndefineFlags.MANAGED_SAVE | Domain.UndefineFlags.SNAPSHOTS_METADATA;
  private static final int UNDEFINE_FULL =
      UNDEFINE_BASIC | UNDEFINE_KEEP_NVRAM | UNDEFINE_CHECKPOINTS_METADATA;

  private final LibvirtConnection connection;
  private final GuestTemplate template;

  public LibvirtHypervisorActivities(LibvirtConnection connection, GuestTemplate template) {
    this.connection = connection;
    this.template = template;
  }

  @Override
  public HostFacts hostFacts() {
    return activity(
        "hostFacts",
        () ->
            connection.call(
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
    String uuid = requireUuid(instanceId);
    return activity("inspect " + uuid, () -> connection.call(c -> viewOrAbsent(c, uuid)));
  }

  /** Every domain, sorted by name; without {@code inactiveXml}, to keep the result small. */
  @Override
  public List<DomainView> listDomains() {
    return activity(
        "listDomains",
        () ->
            connection.call(
                c -> {
                  List<DomainView> views = new ArrayList<>();
                  for (Domain domain : c.listAllDomains(0)) {
                    try {
                      views.add(view(domain, false));
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
                  Domain existing = find(c, uuid);
                  Domain sameName = findByName(c, spec.name());
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
                          ? redefineRenamed(c, existing, xml, spec.name())
                          : c.domainDefineXML(xml);
                  disableAutostart(domain);
                  if (domain.isActive() == 1) {
                    // the running definition carries the tag too (migration sends it)
                    setTagLive(domain, new FerryTag(uuid, spec.epoch()));
                  }
                  return view(domain, true);
                }));
  }

  @Override
  public DomainView powerOn(String instanceId) {
    String uuid = requireUuid(instanceId);
    return activity(
        "powerOn " + uuid,
        () ->
            connection.call(
                c -> {
                  Domain domain = require(c, uuid);
                  if (domain.getInfo().state == DomainState.VIR_DOMAIN_PAUSED) {
                    domain.resume();
                  } else if (domain.isActive() != 1) {
                    try {
                      domain.create();
                    } catch (LibvirtException e) {
                      if (domain.isActive() != 1) {
                        throw e; // else: a concurrent start won the race, which is fine
                      }
                    }
                  }
                  return view(domain, true);
                }));
  }

  /**
   * ACPI shutdown, polling every {@link #POWER_OFF_POLL} (heartbeating) up to {@code
   * gracefulSeconds}, then destroy. A paused guest cannot react to ACPI and {@code gracefulSeconds
   * <= 0} asks for none: both are destroyed at once.
   */
  @Override
  public DomainView powerOff(String instanceId, int gracefulSeconds) {
    String uuid = requireUuid(instanceId);
    return activity(
        "powerOff " + uuid,
        () -> {
          ShutdownStart start =
              connection.call(c -> startShutdown(require(c, uuid), gracefulSeconds));
          boolean running = start != ShutdownStart.ALREADY_OFF;
          if (start == ShutdownStart.ACPI_REQUESTED) {
            running = awaitShutdown(uuid, gracefulSeconds);
          }
          if (running) {
            Activity.getExecutionContext().heartbeat("destroying");
            connection.call(c -> destroyIfActive(find(c, uuid)));
          }
          return connection.call(c -> viewOrAbsent(c, uuid));
        });
  }

  /**
   * Destroys and undefines the domain when its tag's epoch is at most {@code epochAtMost}: a copy
   * of a newer epoch is kept (the returned view shows its epoch). A domain without Ferry's tag is
   * not Ferry's to remove: refused (INVALID_STATE) unless {@code epochAtMost == Long.MAX_VALUE}.
   */
  @Override
  public DomainView remove(String instanceId, long epochAtMost) {
    String uuid = requireUuid(instanceId);
    return activity(
        "remove " + uuid,
        () ->
            connection.call(
                c -> {
                  Domain domain = find(c, uuid);
                  if (domain == null) {
                    return DomainView.absent(uuid);
                  }
                  DomainView found = view(domain, true);
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
                  destroyIfActive(domain);
                  undefine(domain);
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
                  Domain domain = findByName(c, domainName);
                  if (domain == null) {
                    throw new FerryRejection(
                        Reason.UNKNOWN_INSTANCE,
                        "no domain named '" + domainName + "' on " + connection.uri());
                  }
                  if (view(domain, false).ferryInstanceId() == null) {
                    if (domain.isPersistent() != 1) {
                      throw new FerryRejection(
                          Reason.INVALID_STATE,
                          "domain '"
                              + domainName
                              + "' is transient: define it persistently before adopting it");
                    }
                    setTag(c, domain, new FerryTag(domain.getUUIDString(), 0));
                  }
                  disableAutostart(domain);
                  return view(domain, true);
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
          Reason.INVALID_ARGUMENT, "instance " + uuid + " has unusable XML: " + e.getMessage());
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

  /**
   * libvirt cannot redefine a UUID under another name, and 0.5.4 has no virDomainRename: undefine
   * and define, putting the old definition back if the new one is refused.
   */
  private Domain redefineRenamed(Connect c, Domain existing, String xml, String newName)
      throws LibvirtException {
    if (existing.isActive() == 1) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "domain "
              + existing.getUUIDString()
              + " runs as '"
              + existing.getName()
              + "': cannot rename a running domain to '"
              + newName
              + "'");
    }
    String previous =
        existing.getXMLDesc(Domain.XMLFlags.INACTIVE | Domain.XMLFlags.SECURE); // exact copy
    undefine(existing);
    try {
      return c.domainDefineXML(xml);
    } catch (LibvirtException | RuntimeException e) {
      c.domainDefineXML(previous);
      throw e;
    }
  }

  private enum ShutdownStart {
    ALREADY_OFF,
    ACPI_REQUESTED,
    DESTROY_NOW
  }

  /** Asks for an ACPI shutdown when one can help. */
  private static ShutdownStart startShutdown(Domain domain, int gracefulSeconds)
      throws LibvirtException {
    if (domain.isActive() != 1) {
      return ShutdownStart.ALREADY_OFF;
    }
    if (gracefulSeconds <= 0 || domain.getInfo().state == DomainState.VIR_DOMAIN_PAUSED) {
      return ShutdownStart.DESTROY_NOW;
    }
    try {
      domain.shutdown();
    } catch (LibvirtException e) {
      if (!isActive(domain)) {
        return ShutdownStart.ALREADY_OFF; // stopped meanwhile
      }
      log.info("ACPI shutdown of {} refused: {}", domain.getName(), e.getMessage());
      return ShutdownStart.DESTROY_NOW;
    }
    return ShutdownStart.ACPI_REQUESTED;
  }

  /**
   * Polls until the guest is off or {@code gracefulSeconds} pass, heartbeating; true when it still
   * runs.
   */
  private boolean awaitShutdown(String uuid, int gracefulSeconds)
      throws LibvirtException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(gracefulSeconds).toNanos();
    while (true) {
      if (!connection.call(c -> isActive(find(c, uuid)))) {
        return false;
      }
      if (System.nanoTime() >= deadline) {
        return true;
      }
      Thread.sleep(POWER_OFF_POLL.toMillis());
      Activity.getExecutionContext()
          .heartbeat(
              "waiting for ACPI shutdown: "
                  + Duration.ofNanos(System.nanoTime() - start).toMillis()
                  + " ms of "
                  + gracefulSeconds
                  + " s");
    }
  }

  private static boolean isActive(Domain domain) throws LibvirtException {
    try {
      return domain != null && domain.isActive() == 1;
    } catch (LibvirtException e) {
      if (LibvirtFailures.isNoDomain(e)) {
        return false; // a transient domain is gone once it stops
      }
      throw e;
    }
  }

  private static Void destroyIfActive(Domain domain) throws LibvirtException {
    if (!isActive(domain)) {
      return null;
    }
    try {
      domain.destroy();
    } catch (LibvirtException e) {
      if (isActive(domain)) {
        throw e; // else it stopped by itself meanwhile
      }
    }
    return null;
  }

  private static void undefine(Domain domain) throws LibvirtException {
    try {
      if (domain.isPersistent() != 1) {
        return; // transient: gone with its destroy
      }
      try {
        domain.undefine(UNDEFINE_FULL);
      } catch (LibvirtException e) {
        if (!LibvirtFailures.isUnsupported(e)) {
          throw e;
        }
        domain.undefine(UNDEFINE_BASIC); // e.g. the test driver knows only these flags
      }
    } catch (LibvirtException e) {
      if (!LibvirtFailures.isNoDomain(e)) {
        throw e;
      }
    }
  }

  private static void disableAutostart(Domain domain) throws LibvirtException {
    if (domain.isPersistent() == 1 && domain.getAutostart()) {
      domain.setAutostart(false);
    }
  }

  /** Tags the persistent definition, and the running one when the domain runs. */
  private static void setTag(Connect c, Domain domain, FerryTag tag) throws LibvirtException {
    int flags =
        Domain.ModificationImpact.CONFIG
            | (domain.isActive() == 1 ? Domain.ModificationImpact.LIVE : 0);
    try {
      domain.setMetadata(
          Domain.MetadataType.ELEMENT,
          tag.toMetadataFragment(),
          FerryTag.PREFIX,
          FerryTag.NAMESPACE,
          flags);
    } catch (LibvirtException e) {
      if (!LibvirtFailures.isUnsupported(e)) {
        throw e;
      }
      // a driver without virDomainSetMetadata: redefine with the tag in the XML
      String xml = domain.getXMLDesc(Domain.XMLFlags.INACTIVE | Domain.XMLFlags.SECURE);
      c.domainDefineXML(DomainXml.parse(xml).setFerryTag(tag).toXml());
    }
  }

  private static void setTagLive(Domain domain, FerryTag tag) {
    try {
      domain.setMetadata(
          Domain.MetadataType.ELEMENT,
          tag.toMetadataFragment(),
          FerryTag.PREFIX,
          FerryTag.NAMESPACE,
          Domain.ModificationImpact.LIVE);
    } catch (LibvirtException e) {
      // the persistent definition has it, and that is what start-up reconciliation reads
      log.warn("cannot tag the running definition of {}: {}", tag.instanceId(), e.getMessage());
    }
  }

  private DomainView viewOrAbsent(Connect c, String uuid) throws LibvirtException {
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
  private static DomainView view(Domain domain, boolean withXml) throws LibvirtException {
    PowerState state = powerState(domain.getInfo().state);
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
        withXml ? xml.toXml() : null);
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

  private static Domain find(Connect c, String uuid) throws LibvirtException {
    try {
      return c.domainLookupByUUIDString(uuid);
    } catch (LibvirtException e) {
      if (LibvirtFailures.isNoDomain(e)) {
        return null;
      }
      throw e;
    }
  }

  private static Domain findByName(Connect c, String name) throws LibvirtException {
    try {
      return c.domainLookupByName(name);
    } catch (LibvirtException e) {
      if (LibvirtFailures.isNoDomain(e)) {
        return null;
      }
      throw e;
    }
  }

  private Domain require(Connect c, String uuid) throws LibvirtException {
    Domain domain = find(c, uuid);
    if (domain == null) {
      throw new FerryRejection(
          Reason.UNKNOWN_INSTANCE, "no domain with uuid " + uuid + " on " + connection.uri());
    }
    return domain;
  }

  private static String requireUuid(String instanceId) {
    if (!Names.isUuid(instanceId)) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT, "instance id '" + instanceId + "' is not a UUID")
          .toFailure();
    }
    return instanceId.toLowerCase(Locale.ROOT);
  }

  private static String validate(DomainSpec spec) {
    if (spec == null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "define needs a spec").toFailure();
    }
    String uuid = requireUuid(spec.instanceId());
    try {
      Names.requireValidName("server", spec.name());
    } catch (FerryRejection e) {
      throw e.toFailure();
    }
    if (spec.flavor() == null || spec.flavor().vcpus() < 1 || spec.flavor().memoryMb() < 1) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT,
              "instance " + uuid + " needs a flavor with vCPUs and memory, got " + spec.flavor())
          .toFailure();
    }
    if (spec.epoch() < 0) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT, "instance " + uuid + " has a negative epoch")
          .toFailure();
    }
    return uuid;
  }

  /** The activity boundary: rejections and libvirt errors become the right failures. */
  private <T> T activity(String what, Body<T> body) {
    try {
      return body.run();
    } catch (FerryRejection e) {
      throw e.toFailure();
    } catch (LibvirtException e) {
      throw LibvirtFailures.toFailure(what, connection.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  @FunctionalInterface
  private interface Body<T> {
    T run() throws LibvirtException, InterruptedException;
  }
}
