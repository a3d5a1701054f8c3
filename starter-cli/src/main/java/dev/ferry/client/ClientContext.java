package dev.ferry.client;

import dev.ferry.host.HostWorkflow;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Names;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What every per-concern client shares: the WorkflowClient, who acts, where new ids come from, and
 * {@link #call}, which runs one Temporal call under the client's deadline and maps its failure (see
 * {@link Failures}). One per {@link FerryClient}; closed with it.
 */
final class ClientContext implements AutoCloseable {

  /** How often waits poll a workflow's query. */
  static final Duration POLL = Duration.ofMillis(200);

  /** Deadline of updates whose handler works on hosts: delete, resize confirm and revert. */
  static final Duration SLOW_UPDATE_TIMEOUT = Duration.ofMinutes(5);

  final WorkflowClient client;
  final String target;
  final String user;
  private final Duration callTimeout;
  private final Supplier<String> ids;
  private final ExecutorService calls;

  ClientContext(
      WorkflowClient client,
      String target,
      String user,
      Duration callTimeout,
      Supplier<String> ids) {
    this.client = client;
    this.target = target;
    this.user = user;
    this.callTimeout = callTimeout;
    this.ids = ids;
    this.calls =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "ferry-client-call");
              t.setDaemon(true);
              return t;
            });
  }

  /** The Temporal namespace the client works in. */
  String namespace() {
    return client.getOptions().getNamespace();
  }

  /** A new instance or move id. */
  String newId() {
    return ids.get();
  }

  @Override
  public void close() {
    calls.shutdownNow();
  }

  // ---------------------------------------------------------------- calls

  /**
   * Runs one Temporal call with the client's deadline and turns its failure into a rejection or a
   * failure with a clear message.
   *
   * @param notFound what a missing workflow means here; null: a plain failure
   */
  <T> T call(String what, Callable<T> body, Supplier<FerryRejection> notFound) {
    return call(what, body, notFound, callTimeout);
  }

  /** As above, for an update whose handler does slow work (e.g. on a host): a longer deadline. */
  <T> T call(String what, Callable<T> body, Supplier<FerryRejection> notFound, Duration minimum) {
    Duration timeout = minimum.compareTo(callTimeout) > 0 ? minimum : callTimeout;
    Future<T> future = calls.submit(body);
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new NoAnswer(
          what
              + ": no answer from Temporal at "
              + target
              + " within "
              + seconds(timeout)
              + ": is the Ferry conductor running? (a request it already accepted goes on)");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new FerryFailure(what + ": interrupted", e);
    } catch (ExecutionException e) {
      throw translate(what, e.getCause(), notFound);
    }
  }

  /** {@link Failures#translate} against this client's target. */
  RuntimeException translate(String what, Throwable t, Supplier<FerryRejection> notFound) {
    return Failures.translate(what, t, notFound, target);
  }

  // ---------------------------------------------------------------- entity stubs

  PlacementWorkflow placementStub() {
    return client.newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID);
  }

  HostWorkflow hostStub(String name) {
    return client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name));
  }

  InstanceWorkflow instanceStub(String id) {
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(id));
  }

  // ---------------------------------------------------------------- shared rejections

  FerryRejection placementMissing() {
    return new FerryRejection(
        Reason.UNREACHABLE,
        "Ferry's placement (workflow "
            + Names.PLACEMENT_WORKFLOW_ID
            + ") does not exist on Temporal at "
            + target
            + ": start the Ferry conductor (see README)");
  }

  static FerryRejection unknownHost(String name) {
    return new FerryRejection(
        Reason.UNKNOWN_HOST, "unknown host '" + name + "': see 'ferry host list'");
  }

  static FerryRejection unknownInstance(String nameOrId) {
    return ServerRefs.unknown(nameOrId);
  }

  // ---------------------------------------------------------------- waiting

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FerryFailure("interrupted while waiting", e);
    }
  }
}
