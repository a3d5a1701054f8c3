package dev.ferry.client;

import static dev.ferry.client.ClientContext.unknownInstance;

import dev.ferry.model.ActionRequest;
import dev.ferry.model.ActionSummary;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.ResetStateRequest;
import dev.ferry.model.ServerAction;
import dev.ferry.model.VmState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Server actions: stop, start, pause, unpause, suspend, resume, reboot, reconcile (each a durable
 * action through the server's lock) and reset-state. The refusals (state, busy, host DOWN) are the
 * instance's: this client only translates them.
 */
public final class ActionsClient {

  /** Long enough for a graceful stop (60 s by default) plus a start on a loaded host. */
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);

  private final ClientContext ctx;
  private final ServersClient servers;

  ActionsClient(ClientContext ctx, ServersClient servers) {
    this.ctx = ctx;
    this.servers = servers;
  }

  /** An action accepted by the server's instance. */
  public record Started(String instanceId, String serverName, String actionId) {}

  /** Starts {@code action} on {@code server}; returns once the instance accepted it. */
  public Started start(String server, ServerAction action) {
    if (action == null || action == ServerAction.RESET_STATE) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "no such action: " + action);
    }
    InstanceRecord record = servers.get(server);
    String actionId = ctx.newId();
    ActionRequest request = new ActionRequest(actionId, record.id, action, ctx.user);
    ctx.call(
        action.novaName() + " server " + server,
        () -> ctx.instanceStub(record.id).startAction(request),
        () -> unknownInstance(server),
        ClientContext.SLOW_UPDATE_TIMEOUT);
    return new Started(record.id, record.name, actionId);
  }

  /**
   * Waits until the action has ended and returns its entry in the server's action history.
   *
   * @throws WaitTimedOut when it has not ended within {@code timeout}
   */
  public ActionSummary await(Started started, Duration timeout) {
    return Polling.every(ClientContext.POLL)
        .until(
            Polling.watch(
                () -> find(instance(started), started.actionId()).orElse(null),
                done -> true,
                (last, t) ->
                    new WaitTimedOut(
                        "action "
                            + started.actionId()
                            + " on "
                            + started.serverName()
                            + " has not ended within "
                            + t.toSeconds()
                            + " s: it goes on; see `ferry server show "
                            + started.serverName()
                            + "`")),
            timeout);
  }

  /** The operator sets the server's vm state to ACTIVE or ERROR (Nova's os-resetState). */
  public InstanceRecord resetState(String server, VmState state) {
    InstanceRecord record = servers.get(server);
    ResetStateRequest request = new ResetStateRequest(ctx.newId(), record.id, state, ctx.user);
    return ctx.call(
        "reset the state of server " + server,
        () -> ctx.instanceStub(record.id).resetState(request),
        () -> unknownInstance(server));
  }

  private InstanceRecord instance(Started started) {
    return ctx.call(
        "query server " + started.serverName(),
        () -> ctx.instanceStub(started.instanceId()).get(),
        () -> unknownInstance(started.serverName()));
  }

  /** The action's entry in the history: there once it has ended. */
  private static Optional<ActionSummary> find(InstanceRecord record, String actionId) {
    List<ActionSummary> actions = record.actions == null ? List.of() : record.actions;
    return actions.stream().filter(a -> a.actionId().equals(actionId)).findFirst();
  }
}
