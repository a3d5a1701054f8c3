package dev.ferry.model;

/**
 * An operator's request to act on a server in place.
 *
 * @param actionId a UUID chosen by the client: a retried request starts no second action
 * @param requestedBy who asked (recorded with the action)
 */
public record ActionRequest(
    String actionId, String instanceId, ServerAction action, String requestedBy) {}
