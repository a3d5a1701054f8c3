package dev.ferry.model;

/**
 * A host agent's report of a guest's real state, sent when libvirt told of a lifecycle event or a
 * periodic pass found it. The instance applies it only when it owns the news ({@code
 * InstanceWorkflow.observeGuest}).
 *
 * @param host the host whose libvirt was read
 * @param epoch the epoch in the domain's Ferry tag; -1 when the domain is missing
 * @param reason libvirt's reason for the state (e.g. {@code crashed: panicked}), for the record
 */
public record GuestObservation(
    String instanceId, String host, long epoch, GuestState state, String reason) {}
