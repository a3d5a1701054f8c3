package dev.ferry.hypervisor.libvirt.live;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** What a live migration reads from a running domain's XML: CPU, networks, bridges, disks. */
final class GuestXml {

  /** A file-backed disk. */
  record Disk(String target, String path, String format) {}

  private final Element root;

  private GuestXml(Element root) {
    this.root = root;
  }

  static GuestXml parse(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
      return new GuestXml(doc.getDocumentElement());
    } catch (Exception e) {
      throw new IllegalArgumentException("unreadable domain XML: " + e.getMessage(), e);
    }
  }

  String domainType() {
    return root.getAttribute("type");
  }

  String arch() {
    Element type = path("os", "type");
    return type == null ? null : blankToNull(type.getAttribute("arch"));
  }

  String machine() {
    Element type = path("os", "type");
    return type == null ? null : blankToNull(type.getAttribute("machine"));
  }

  String emulator() {
    Element e = path("devices", "emulator");
    return e == null ? null : blankToNull(e.getTextContent().trim());
  }

  /**
   * The guest's {@code <cpu>} as XML when it names a model (custom or host-model expanded); QEMU's
   * default model for a guest without one ({@code qemu64} on x86_64, as QEMU picks for TCG).
   */
  String guestCpuXml() {
    Element cpu = child(root, "cpu");
    if (cpu != null && child(cpu, "model") != null) {
      return serialize(cpu);
    }
    if ("x86_64".equals(arch()) || "i686".equals(arch())) {
      String model = "x86_64".equals(arch()) ? "qemu64" : "qemu32";
      return "<cpu mode='custom' match='exact'><model fallback='forbid'>"
          + model
          + "</model></cpu>";
    }
    return null;
  }

  List<String> networks() {
    return interfaceSources("network", "network");
  }

  List<String> bridges() {
    return interfaceSources("bridge", "bridge");
  }

  List<Disk> disks() {
    List<Disk> out = new ArrayList<>();
    Element devices = child(root, "devices");
    if (devices == null) {
      return out;
    }
    for (Element d : children(devices, "disk")) {
      if (!"disk".equals(d.getAttribute("device")) && !d.getAttribute("device").isEmpty()) {
        continue; // cdroms and floppies are not copied
      }
      Element source = child(d, "source");
      Element target = child(d, "target");
      Element driver = child(d, "driver");
      if (source == null || source.getAttribute("file").isEmpty()) {
        continue; // network and volume disks: nothing of ours to copy or probe
      }
      out.add(
          new Disk(
              target == null ? null : target.getAttribute("dev"),
              source.getAttribute("file"),
              driver == null || driver.getAttribute("type").isEmpty()
                  ? "raw"
                  : driver.getAttribute("type")));
    }
    return out;
  }

  private List<String> interfaceSources(String type, String attribute) {
    Set<String> out = new LinkedHashSet<>();
    Element devices = child(root, "devices");
    if (devices == null) {
      return List.of();
    }
    for (Element i : children(devices, "interface")) {
      Element source = child(i, "source");
      if (type.equals(i.getAttribute("type"))
          && source != null
          && !source.getAttribute(attribute).isEmpty()) {
        out.add(source.getAttribute(attribute));
      }
    }
    return List.copyOf(out);
  }

  private Element path(String... names) {
    Element e = root;
    for (String n : names) {
      e = e == null ? null : child(e, n);
    }
    return e;
  }

  private static Element child(Element parent, String name) {
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n instanceof Element e && name.equals(e.getTagName())) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n instanceof Element e && name.equals(e.getTagName())) {
        out.add(e);
      }
    }
    return out;
  }

  private static String serialize(Element e) {
    try {
      var t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter w = new StringWriter();
      t.transform(new DOMSource(e), new StreamResult(w));
      return w.toString();
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
