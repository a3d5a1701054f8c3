package dev.ferry.hypervisor.libvirt;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes Ferry makes to a defined domain: its tag, its autostart, stopping, undefining and
 * renaming it. Each tolerates a domain that stops or goes meanwhile.
 */
public final class DomainChanges {

  private static final Logger log = LoggerFactory.getLogger(DomainChanges.class);

  // VIR_DOMAIN_UNDEFINE_*: libvirt-java 0.5.4 lacks KEEP_NVRAM and CHECKPOINTS_METADATA.
  // NVRAM is kept: it may sit on shared storage and belong to the copy that lives on.
  private static final int UNDEFINE_KEEP_NVRAM = 8;
  private static final int UNDEFINE_CHECKPOINTS_METADATA = 16;
  private static final int UNDEFINE_BASIC =
      Domain.UndefineFlags.MANAGED_SAVE | Domain.UndefineFlags.SNAPSHOTS_METADATA;
  private static final int UNDEFINE_FULL =
      UNDEFINE_BASIC | UNDEFINE_KEEP_NVRAM | UNDEFINE_CHECKPOINTS_METADATA;

  private DomainChanges() {}

  /**
   * libvirtd would start a stale copy at boot before the agent could stop it: Ferry's domains never
   * autostart.
   */
  public static void disableAutostart(Domain domain) throws LibvirtException {
    if (domain.isPersistent() == 1 && domain.getAutostart()) {
      domain.setAutostart(false);
    }
  }

  /** Tags the persistent definition, and the running one when the domain runs. */
  public static void setTag(Connect c, Domain domain, FerryTag tag) throws LibvirtException {
    boolean persistent = domain.isPersistent() == 1;
    int flags =
        (persistent ? Domain.ModificationImpact.CONFIG : 0)
            | (domain.isActive() == 1 ? Domain.ModificationImpact.LIVE : 0);
    if (flags == 0) {
      return; // a transient domain that stopped: nothing is left to tag
    }
    try {
      setMetadata(domain, tag, flags);
    } catch (LibvirtException e) {
      if (!persistent || !LibvirtFailures.isUnsupported(e)) {
        throw e;
      }
      // a driver without virDomainSetMetadata: redefine with the tag in the XML
      String xml = domain.getXMLDesc(Domain.XMLFlags.INACTIVE | Domain.XMLFlags.SECURE);
      c.domainDefineXML(DomainXml.parse(xml).setFerryTag(tag).toXml());
    }
  }

  /** Tags the running definition only; a refusal is logged (the persistent one has the tag). */
  static void setTagLive(Domain domain, FerryTag tag) {
    try {
      setMetadata(domain, tag, Domain.ModificationImpact.LIVE);
    } catch (LibvirtException e) {
      // the persistent definition has it, and that is what start-up reconciliation reads
      log.warn("cannot tag the running definition of {}: {}", tag.instanceId(), e.getMessage());
    }
  }

  private static void setMetadata(Domain domain, FerryTag tag, int flags) throws LibvirtException {
    domain.setMetadata(
        Domain.MetadataType.ELEMENT,
        tag.toMetadataFragment(),
        FerryTag.PREFIX,
        FerryTag.NAMESPACE,
        flags);
  }

  static Void destroyIfActive(Domain domain) throws LibvirtException {
    if (!Domains.isActive(domain)) {
      return null;
    }
    try {
      domain.destroy();
    } catch (LibvirtException e) {
      if (Domains.isActive(domain)) {
        throw e; // else it stopped by itself meanwhile
      }
    }
    return null;
  }

  static void undefine(Domain domain) throws LibvirtException {
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

  /**
   * libvirt cannot redefine a UUID under another name, and 0.5.4 has no virDomainRename: undefine
   * and define, putting the old definition back if the new one is refused.
   */
  static Domain redefineRenamed(Connect c, Domain existing, String xml, String newName)
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
}
