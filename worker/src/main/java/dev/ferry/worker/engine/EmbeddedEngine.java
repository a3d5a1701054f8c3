package dev.ferry.worker.engine;

import dev.ferry.move.SearchAttributeNames;
import dev.ferry.worker.config.FerryProperties;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The embedded default: Temporal's Java test server as a local gRPC server, time skipping locked
 * off (real time), with Ferry's search attributes registered. It keeps nothing on disk: a restart
 * loses every workflow.
 */
@Component
@ConditionalOnProperty(name = "ferry.role", havingValue = "engine")
public class EmbeddedEngine implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);

  private final FerryProperties properties;
  private TestServer.PortBoundTestServer server;

  public EmbeddedEngine(FerryProperties properties) {
    this.properties = properties;
  }

  @Override
  public void start() {
    int port = properties.engine().port();
    server = TestServer.createPortBoundServer(port, true);
    registerSearchAttributes("localhost:" + port, properties.temporal().namespace());
    log.info("Ferry engine (Temporal Java test server) listening on localhost:{}", port);
  }

  private static void registerSearchAttributes(String target, String namespace) {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    try {
      OperatorServiceStubs operator =
          OperatorServiceStubs.newServiceStubs(
              OperatorServiceStubsOptions.newBuilder()
                  .setChannel(service.getRawChannel())
                  .validateAndBuildWithDefaults());
      AddSearchAttributesRequest.Builder request =
          AddSearchAttributesRequest.newBuilder().setNamespace(namespace);
      for (String name : SearchAttributeNames.ALL) {
        request.putSearchAttributes(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      }
      operator.blockingStub().addSearchAttributes(request.build());
      operator.shutdown();
    } finally {
      service.shutdown();
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }
}
