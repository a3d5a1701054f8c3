package dev.ferry.hypervisor.libvirt;

import dev.ferry.model.Flavor;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * A libvirt domain definition with the edits Ferry makes to it: identity, flavor, Ferry's owner
 * tag, and stripping what must not travel to another host. Pure DOM editing, no libvirt. Not
 * thread-safe; editing methods change this document and return it for chaining.
 */
public final class DomainXml {

  private static final String XMLNS = "http://www.w3.org/2000/xmlns/";
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  private final Document document;
  private final Element domain;

  private DomainXml(Document document) {
    this.document = document;
    this.domain = document.getDocumentElement();
  }

  /** Parses a domain definition; IllegalArgumentException when it is not one. */
  public static DomainXml parse(String xml) {
    if (xml == null || xml.isBlank()) {
      throw new IllegalArgumentException("empty domain XML");
    }
    Document document;
    try {
      document = newBuilder().parse(new InputSource(new StringReader(xml)));
    } catch (SAXException | java.io.IOException e) {
      throw new IllegalArgumentException("malformed domain XML: " + e.getMessage(), e);
    }
    String root = document.getDocumentElement().getLocalName();
    if (!"domain".equals(root)) {
      throw new IllegalArgumentException("not a domain definition: root element is <" + root + ">");
    }
    return new DomainXml(document);
  }

  public String toXml() {
    try {
      Transformer transformer = TransformerFactory.newInstance().newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(document), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot serialise domain XML", e);
    }
  }

  /** The domain type: {@code test}, {@code qemu}, {@code kvm}. */
  public String type() {
    return domain.getAttribute("type");
  }

  public String name() {
    return text(child(domain, "name"));
  }

  public DomainXml setName(String name) {
    setText(childOrCreate(domain, "name", null), name);
    return this;
  }

  /** The UUID in lower case (as libvirt reports it), or null when the XML has none. */
  public String uuid() {
    String uuid = text(child(domain, "uuid"));
    return uuid == null ? null : uuid.toLowerCase(Locale.ROOT);
  }

  public DomainXml setUuid(String uuid) {
    setText(childOrCreate(domain, "uuid", child(domain, "name")), uuid.toLowerCase(Locale.ROOT));
    return this;
  }

  /** Maximum vCPUs (libvirt's default is 1 when the element is missing). */
  public int vcpus() {
    String vcpus = text(child(domain, "vcpu"));
    return vcpus == null ? 1 : Integer.parseInt(vcpus);
  }

  /** Maximum memory in MiB, rounded down; 0 when the XML has none. */
  public int memoryMb() {
    Element memory = child(domain, "memory");
    if (memory == null || text(memory) == null) {
      return 0;
    }
    long bytes = Long.parseLong(text(memory)) * unitBytes(memory.getAttribute("unit"));
    return (int) Math.min(Integer.MAX_VALUE, bytes / MIB);
  }

  /**
   * Sets memory, current memory and vCPUs from the flavor, and makes the CPU description agree with
   * the new vCPU count (libvirt refuses a topology that does not multiply to it).
   */
  public DomainXml applyFlavor(Flavor flavor) {
    if (flavor.vcpus() < 1 || flavor.memoryMb() < 1) {
      throw new IllegalArgumentException("flavor " + flavor.name() + " has no vCPUs or no memory");
    }
    Element memory = childOrCreate(domain, "memory", child(domain, "uuid"));
    setMiB(memory, flavor.memoryMb());
    setMiB(childOrCreate(domain, "currentMemory", memory), flavor.memoryMb());
    Element vcpu = childOrCreate(domain, "vcpu", child(domain, "currentMemory"));
    setText(vcpu, Integer.toString(flavor.vcpus()));
    // every vCPU of the flavor is online; per-vCPU state is for the old count
    vcpu.removeAttribute("current");
    removeAll(children(domain, "vcpus"));
    Element topology = child(child(domain, "cpu"), "topology");
    if (topology != null && topologyProduct(topology) != flavor.vcpus()) {
      // one socket per vCPU: the layout every vCPU count can have
      topology.setAttribute("sockets", Integer.toString(flavor.vcpus()));
      topology.setAttribute("cores", "1");
      topology.setAttribute("threads", "1");
      for (String optional : List.of("dies", "clusters")) {
        if (topology.hasAttribute(optional)) {
          topology.setAttribute(optional, "1");
        }
      }
    }
    return this;
  }

  /** Ferry's owner tag, when the domain carries a well-formed one. */
  public Optional<FerryTag> ferryTag() {
    Element metadata = child(domain, "metadata");
    if (metadata == null) {
      return Optional.empty();
    }
    for (Element e : children(metadata, null)) {
      if (FerryTag.NAMESPACE.equals(e.getNamespaceURI())
          && FerryTag.ELEMENT.equals(e.getLocalName())) {
        try {
          return Optional.of(
              new FerryTag(e.getAttribute("id"), Long.parseLong(e.getAttribute("epoch"))));
        } catch (IllegalArgumentException malformed) {
          return Optional.empty(); // a tag we cannot read proves nothing: treat as untagged
        }
      }
    }
    return Optional.empty();
  }

  /** Writes (or replaces) Ferry's owner tag; other applications' metadata is kept. */
  public DomainXml setFerryTag(FerryTag tag) {
    Element metadata = childOrCreate(domain, "metadata", lastOf("description", "title", "uuid"));
    for (Element e : children(metadata, null)) {
      if (FerryTag.NAMESPACE.equals(e.getNamespaceURI())) {
        metadata.removeChild(e); // libvirt allows one element per namespace
      }
    }
    Element element =
        document.createElementNS(FerryTag.NAMESPACE, FerryTag.PREFIX + ":" + FerryTag.ELEMENT);
    element.setAttributeNS(XMLNS, "xmlns:" + FerryTag.PREFIX, FerryTag.NAMESPACE);
    element.setAttribute("id", tag.instanceId());
    element.setAttribute("epoch", Long.toString(tag.epoch()));
    element.setAttribute("owner", FerryTag.OWNER);
    metadata.appendChild(element);
    return this;
  }

  /**
   * Points the first file-backed disk (device {@code disk}) at {@code path}; true when there was
   * one to change.
   */
  public boolean setDiskSource(String path) {
    for (Element disk : children(child(domain, "devices"), "disk")) {
      String device = disk.getAttribute("device");
      if ("file".equals(disk.getAttribute("type")) && (device.isEmpty() || "disk".equals(device))) {
        childOrCreate(disk, "source", child(disk, "driver")).setAttribute("file", path);
        return true;
      }
    }
    return false;
  }

  /**
   * Removes what belongs to one host or one run of the domain, so the definition can travel: the
   * runtime id, generated security labels, graphics passwords, allocated ports and pty paths,
   * libvirt-generated device aliases. Libvirt's own migratable format does most of this; this is
   * for XML that did not come from it.
   */
  public DomainXml stripHostSpecifics() {
    domain.removeAttribute("id");
    for (Element seclabel : children(domain, "seclabel")) {
      boolean dynamic = "dynamic".equals(seclabel.getAttribute("type"));
      if (dynamic && child(seclabel, "baselabel") == null) {
        domain.removeChild(seclabel); // generated on this host, regenerated on the next
      } else if (dynamic) {
        removeAll(children(seclabel, "label"));
        removeAll(children(seclabel, "imagelabel"));
      }
    }
    Element devices = child(domain, "devices");
    for (Element graphics : children(devices, "graphics")) {
      graphics.removeAttribute("passwd");
      graphics.removeAttribute("passwdValidTo");
      if ("yes".equals(graphics.getAttribute("autoport"))) {
        graphics.removeAttribute("port");
        graphics.removeAttribute("tlsPort");
        graphics.removeAttribute("websocket");
      }
    }
    for (String kind : List.of("serial", "console", "parallel", "channel")) {
      for (Element chardev : children(devices, kind)) {
        if ("pty".equals(chardev.getAttribute("type"))) {
          chardev.removeAttribute("tty");
          removeAll(children(chardev, "source")); // /dev/pts/N of the last run
        }
      }
    }
    for (Element alias : descendants(devices, "alias")) {
      if (!alias.getAttribute("name").startsWith("ua-")) {
        alias.getParentNode().removeChild(alias); // user aliases (ua-*) are configuration
      }
    }
    return this;
  }

  // --- helpers ---

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final ErrorHandler QUIET =
      new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      };

  private static DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      // domain XML comes from other hosts and from users: no DTDs, no external entities
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(QUIET); // errors become exceptions, not stderr noise
      return builder;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bytes per libvirt scaled-integer unit; KiB when absent. */
  static long unitBytes(String unit) {
    return switch (unit == null || unit.isEmpty() ? "KiB" : unit) {
      case "b", "bytes" -> 1L;
      case "KB" -> 1000L;
      case "k", "K", "KiB" -> KIB;
      case "MB" -> 1000L * 1000;
      case "m", "M", "MiB" -> MIB;
      case "GB" -> 1000L * 1000 * 1000;
      case "g", "G", "GiB" -> 1024 * MIB;
      case "TB" -> 1000L * 1000 * 1000 * 1000;
      case "t", "T", "TiB" -> 1024 * 1024 * MIB;
      default -> throw new IllegalArgumentException("unknown memory unit '" + unit + "'");
    };
  }

  private static void setMiB(Element element, int mib) {
    element.setAttribute("unit", "MiB");
    setText(element, Integer.toString(mib));
  }

  private static int topologyProduct(Element topology) {
    int product = 1;
    for (String unit : List.of("sockets", "dies", "clusters", "cores", "threads")) {
      String value = topology.getAttribute(unit);
      product *= value.isEmpty() ? 1 : Integer.parseInt(value);
    }
    return product;
  }

  private Element lastOf(String... names) {
    for (int i = names.length - 1; i >= 0; i--) {
      Element e = child(domain, names[i]);
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  /** Direct children with that name, or all direct child elements when name is null. */
  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (name == null || name.equals(e.getLocalName()))) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<Element> descendants(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent != null) {
      var nodes = parent.getElementsByTagName(name);
      for (int i = 0; i < nodes.getLength(); i++) {
        out.add((Element) nodes.item(i));
      }
    }
    return out;
  }

  /** The child, created after {@code after} (or first) when missing. */
  private Element childOrCreate(Element parent, String name, Element after) {
    Element existing = child(parent, name);
    if (existing != null) {
      return existing;
    }
    Element created = document.createElementNS(null, name);
    Node next = after == null ? parent.getFirstChild() : after.getNextSibling();
    parent.insertBefore(created, next);
    return created;
  }

  private static void removeAll(List<Element> elements) {
    for (Element e : elements) {
      e.getParentNode().removeChild(e);
    }
  }

  private static String text(Element element) {
    if (element == null) {
      return null;
    }
    String text = element.getTextContent().trim();
    return text.isEmpty() ? null : text;
  }

  private static void setText(Element element, String text) {
    element.setTextContent(text);
  }
}
