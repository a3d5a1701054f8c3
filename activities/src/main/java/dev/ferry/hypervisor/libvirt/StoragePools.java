package dev.ferry.hypervisor.libvirt;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Directory storage pools and their volumes, by path: the pool whose target is a disk's directory
 * is found (or defined, built, started and set to autostart) on first use, so every disk Ferry
 * handles is a libvirt volume that can be created, streamed and deleted through any libvirt
 * connection, local or remote.
 */
public final class StoragePools {

  /** Pools are defined once per libvirt; this JVM's concurrent calls take turns. */
  private static final Object DEFINE_LOCK = new Object();

  /** A refresh is refused while the pool builds a volume ("asynchronous jobs running"). */
  private static final int REFRESH_ATTEMPTS = 20;

  private static final long REFRESH_PAUSE_MILLIS = 250;

  private StoragePools() {}

  /**
   * {@code path} when it is an absolute, normalized file path; else a non-retryable
   * INVALID_ARGUMENT.
   */
  public static String requireDiskPath(String path) {
    if (path == null || path.isBlank() || !path.startsWith("/") || path.endsWith("/")) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT, "'" + path + "' is not an absolute disk path")
          .toFailure();
    }
    if (!Path.of(path).normalize().toString().equals(path)) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT, "disk path '" + path + "' is not normalized")
          .toFailure();
    }
    return path;
  }

  /** The directory of an absolute disk path. */
  public static String dirOf(String path) {
    Path parent = Path.of(path).normalize().getParent();
    return parent == null ? "/" : parent.toString();
  }

  public static String nameOf(String path) {
    return Path.of(path).getFileName().toString();
  }

  /** The name Ferry gives the pool of {@code dir}: {@code ferry-var-lib-ferry-local}. */
  static String poolName(String dir) {
    String slug = dir.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    slug = slug.replaceAll("^-+|-+$", "");
    return "ferry-" + (slug.isEmpty() ? "root" : slug);
  }

  /** The active pool whose target is {@code dir}, defined and started when there is none. */
  public static StoragePool ensure(Connect c, String dir) throws LibvirtException {
    String want = Path.of(dir).normalize().toString();
    StoragePool found = find(c, want);
    if (found != null) {
      return active(found);
    }
    synchronized (DEFINE_LOCK) {
      found = find(c, want);
      if (found != null) {
        return active(found);
      }
      String xml =
          "<pool type='dir'><name>"
              + DomainXml.escape(poolName(want))
              + "</name><target><path>"
              + DomainXml.escape(want)
              + "</path></target></pool>";
      StoragePool pool;
      try {
        pool = c.storagePoolDefineXML(xml, 0);
      } catch (LibvirtException e) {
        StoragePool other = find(c, want); // another client defined it meanwhile
        if (other != null) {
          return active(other);
        }
        throw e;
      }
      try {
        pool.build(0); // mkdir when missing; an existing directory is kept
      } catch (LibvirtException e) {
        // e.g. the directory exists with other permissions: starting the pool tells
      }
      active(pool);
      try {
        pool.setAutostart(1);
      } catch (LibvirtException e) {
        // the test driver has no autostart: the pool is started on first use anyway
      }
      return pool;
    }
  }

  private static StoragePool active(StoragePool pool) throws LibvirtException {
    if (pool.isActive() != 1) {
      try {
        pool.create(0);
      } catch (LibvirtException e) {
        if (pool.isActive() != 1) {
          throw e; // else started concurrently
        }
      }
    }
    return pool;
  }

  private static StoragePool find(Connect c, String dir) throws LibvirtException {
    List<String> names = new ArrayList<>(List.of(c.listStoragePools()));
    names.addAll(List.of(c.listDefinedStoragePools()));
    for (String name : names) {
      StoragePool pool;
      try {
        pool = c.storagePoolLookupByName(name);
      } catch (LibvirtException e) {
        continue; // undefined while we looked
      }
      String target = xpath(pool.getXMLDesc(0), "/pool/target/path");
      if (target != null && Path.of(target).normalize().toString().equals(dir)) {
        return pool;
      }
    }
    return null;
  }

  /**
   * The volume {@code name} of {@code pool}, or null. A volume another host (shared storage) or
   * another tool created is only listed after a refresh: a miss refreshes and looks again.
   */
  public static StorageVol findVolume(StoragePool pool, String name) throws LibvirtException {
    StorageVol vol = lookup(pool, name);
    if (vol != null) {
      return vol;
    }
    refresh(pool);
    return lookup(pool, name);
  }

  /** Re-reads the pool's directory, waiting out a volume build in progress. */
  static void refresh(StoragePool pool) throws LibvirtException {
    for (int attempt = 1; ; attempt++) {
      try {
        pool.refresh(0);
        return;
      } catch (LibvirtException e) {
        if (attempt >= REFRESH_ATTEMPTS
            || !String.valueOf(e.getMessage()).contains("asynchronous")) {
          throw e;
        }
        try {
          Thread.sleep(REFRESH_PAUSE_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static StorageVol lookup(StoragePool pool, String name) throws LibvirtException {
    try {
      return pool.storageVolLookupByName(name);
    } catch (LibvirtException e) {
      if (LibvirtFailures.code(e) == ErrorNumber.VIR_ERR_NO_STORAGE_VOL) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Creates the volume {@code name} of {@code capacityBytes} in {@code format} (qcow2 or raw): the
   * one way Ferry makes a disk, so libvirt (qemu-img on a directory pool) writes it where its own
   * domains will open it.
   */
  public static StorageVol createVolume(
      StoragePool pool, String name, long capacityBytes, String format) throws LibvirtException {
    return pool.storageVolCreateXML(volumeXml(name, capacityBytes, format), 0);
  }

  /** A directory pool lists its subdirectories as volumes of type dir. */
  public static boolean isDirectory(StorageVol vol) throws LibvirtException {
    return "dir".equals(xpath(vol.getXMLDesc(0), "/volume/@type"));
  }

  /** Deletes the volume when it exists; true when it did. */
  public static boolean deleteVolume(StoragePool pool, String name) throws LibvirtException {
    StorageVol vol = findVolume(pool, name);
    if (vol == null) {
      return false;
    }
    try {
      vol.delete(0);
      return true;
    } catch (LibvirtException e) {
      refresh(pool); // deleted by another host (shared storage) meanwhile?
      if (findVolume(pool, name) == null) {
        return true;
      }
      throw e;
    }
  }

  /**
   * A volume definition: {@code format} qcow2 or raw, {@code capacity} in bytes. Sparse (allocation
   * 0): without it libvirt preallocates a raw volume's whole capacity.
   */
  static String volumeXml(String name, long capacityBytes, String format) {
    return "<volume><name>"
        + DomainXml.escape(name)
        + "</name><capacity unit='bytes'>"
        + capacityBytes
        + "</capacity><allocation unit='bytes'>0</allocation><target><format type='"
        + DomainXml.escape(format)
        + "'/></target></volume>";
  }

  /** The names of the domains on this libvirt whose disks include {@code path}. */
  static List<String> domainsUsing(Connect c, String path, boolean activeOnly)
      throws LibvirtException {
    String want = Path.of(path).normalize().toString();
    List<String> users = new ArrayList<>();
    for (Domain domain : c.listAllDomains(0)) {
      try {
        if (activeOnly && domain.isActive() != 1) {
          continue;
        }
        for (String source : diskSources(domain.getXMLDesc(0))) {
          if (Path.of(source).normalize().toString().equals(want)) {
            users.add(domain.getName());
            break;
          }
        }
      } catch (LibvirtException e) {
        if (!LibvirtFailures.isNoDomain(e)) {
          throw e; // else undefined while we looked
        }
      }
    }
    return users;
  }

  static List<String> diskSources(String domainXml) {
    List<String> out = new ArrayList<>();
    NodeList nodes = nodes(domainXml, "/domain/devices/disk/source/@file");
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getNodeValue());
    }
    return out;
  }

  public static String xpath(String xml, String expression) {
    NodeList nodes = nodes(xml, expression);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
  }

  private static NodeList nodes(String xml, String expression) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
      return (NodeList)
          XPathFactory.newInstance().newXPath().evaluate(expression, doc, XPathConstants.NODESET);
    } catch (Exception e) {
      throw new IllegalArgumentException("unreadable libvirt XML: " + e.getMessage(), e);
    }
  }
}
