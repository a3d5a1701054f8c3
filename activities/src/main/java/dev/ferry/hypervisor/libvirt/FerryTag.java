package dev.ferry.hypervisor.libvirt;

/**
 * Ferry's owner tag in a domain's {@code <metadata>}: which instance the domain is and the epoch of
 * the definition. It lets a host agent tell a stale copy from the live one even when the Temporal
 * state is gone.
 */
public record FerryTag(String instanceId, long epoch) {

  /** Namespace of the tag element; libvirt keys metadata elements by namespace. */
  public static final String NAMESPACE = "https://ferry.dev/xmlns/instance/1";

  public static final String PREFIX = "ferry";
  public static final String ELEMENT = "instance";
  public static final String OWNER = "ferry";

  public FerryTag {
    if (instanceId == null || instanceId.isBlank()) {
      throw new IllegalArgumentException("a Ferry tag needs an instance id");
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("a Ferry tag needs an epoch >= 0, got " + epoch);
    }
  }

  /**
   * The element as {@code virDomainSetMetadata} takes it: without namespace, which libvirt adds
   * from the key and URI it is given.
   */
  public String toMetadataFragment() {
    return "<"
        + ELEMENT
        + " id=\""
        + DomainXml.escape(instanceId)
        + "\" epoch=\""
        + epoch
        + "\" owner=\""
        + OWNER
        + "\"/>";
  }
}
