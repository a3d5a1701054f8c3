package dev.ferry.worker.config;

import dev.ferry.temporal.PushbackCounter;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the client to the Temporal frontend, failing fast with a clear message. */
public final class TemporalConnection {
  private static final Logger log = LoggerFactory.getLogger(TemporalConnection.class);

  /** This process's count of calls the server pushed back (the SDK retries them). */
  public static final PushbackCounter PUSHBACKS = new PushbackCounter(log::warn);

  private TemporalConnection() {}

  public static WorkflowClient connect(FerryProperties.Temporal temporal) {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(temporal.target())
                .setGrpcClientInterceptors(List.of(PUSHBACKS))
                .build());
    try {
      service
          .blockingStub()
          .withDeadlineAfter(temporal.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (RuntimeException e) {
      service.shutdownNow();
      throw new IllegalStateException(
          "cannot reach Temporal at "
              + temporal.target()
              + " ("
              + e.getMessage()
              + "); start the engine first or set ferry.temporal.target",
          e);
    }
    return WorkflowClient.newInstance(
        service, WorkflowClientOptions.newBuilder().setNamespace(temporal.namespace()).build());
  }
}
