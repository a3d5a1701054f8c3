package dev.ferry.action;

import dev.ferry.model.ActionRequest;

/**
 * What an action needs: the request and where its server runs.
 *
 * @param host the host the instance record puts the server on
 */
public record ActionInput(ActionRequest request, String host) {}
