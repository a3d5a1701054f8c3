package dev.ferry.action;

import dev.ferry.model.ActionRequest;
import dev.ferry.model.Flavor;

/**
 * What an action needs: the request and the server as its record has it.
 *
 * @param host the host the instance record puts the server on
 * @param name the server's name (a reconcile that finds it elsewhere re-admits it there)
 * @param flavor its flavor (what placement claims for it)
 */
public record ActionInput(ActionRequest request, String host, String name, Flavor flavor) {}
