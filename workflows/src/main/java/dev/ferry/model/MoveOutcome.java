package dev.ferry.model;

/**
 * What a move tells its instance when it closes: where the instance is now and in what state. Every
 * field is authoritative for the record.
 */
public record MoveOutcome(
    String moveId,
    String status,
    boolean succeeded,
    String host,
    Flavor flavor,
    long epoch,
    String domainXml,
    VmState vmState,
    PowerState powerState,
    String error) {}
