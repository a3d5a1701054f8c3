package dev.ferry.model;

/**
 * What a host agent needs to define an instance's domain.
 *
 * @param baseXml the domain XML to start from (the record's migratable XML); null builds a new one
 *     from the host's guest template
 * @param epoch written into the domain's Ferry metadata
 */
public record DomainSpec(
    String instanceId,
    String name,
    Flavor flavor,
    long epoch,
    String baseXml,
    String diskPath,
    String baseImage) {}
