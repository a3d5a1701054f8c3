package dev.ferry.worker.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.move.SearchAttributeNames;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc.OperatorServiceBlockingStub;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The conductor's start-up check, against an in-process OperatorService. */
class SearchAttributeCheckTest {
  private static final String TARGET = "localhost:7233";

  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** An OperatorService whose ListSearchAttributes answers with these custom attributes. */
  private OperatorServiceBlockingStub serving(
      Map<String, IndexedValueType> custom, AtomicReference<String> askedNamespace)
      throws IOException {
    return over(
        new OperatorServiceGrpc.OperatorServiceImplBase() {
          @Override
          public void listSearchAttributes(
              ListSearchAttributesRequest request,
              StreamObserver<ListSearchAttributesResponse> response) {
            askedNamespace.set(request.getNamespace());
            response.onNext(
                ListSearchAttributesResponse.newBuilder().putAllCustomAttributes(custom).build());
            response.onCompleted();
          }
        });
  }

  private OperatorServiceBlockingStub over(OperatorServiceGrpc.OperatorServiceImplBase service)
      throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build();
    server.start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return OperatorServiceGrpc.newBlockingStub(channel);
  }

  private static Map<String, IndexedValueType> allKeyword() {
    Map<String, IndexedValueType> custom = new HashMap<>();
    for (String name : SearchAttributeNames.ALL) {
      custom.put(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    custom.put("SomeoneElses", IndexedValueType.INDEXED_VALUE_TYPE_INT);
    return custom;
  }

  @Test
  void allFiveAsKeywordOnTheConductorsNamespacePass() throws IOException {
    AtomicReference<String> asked = new AtomicReference<>();
    OperatorServiceBlockingStub operator = serving(allKeyword(), asked);
    assertDoesNotThrow(() -> SearchAttributeCheck.require(operator, "ferry-ns", TARGET));
    assertEquals("ferry-ns", asked.get());
  }

  @Test
  void missingOnesFailStartUpWithOneLineHoldingTheCommandsThatCreateThem() throws IOException {
    Map<String, IndexedValueType> custom = allKeyword();
    custom.remove(SearchAttributeNames.DEST_HOST);
    custom.remove(SearchAttributeNames.MIGRATION_TYPE);
    OperatorServiceBlockingStub operator = serving(custom, new AtomicReference<>());

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> SearchAttributeCheck.require(operator, "default", TARGET));

    String message = e.getMessage();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.contains("DestHost, MigrationType missing"), message);
    assertTrue(
        message.contains(
            "temporal operator search-attribute create --namespace default --name DestHost"
                + " --type Keyword --address localhost:7233 && temporal operator search-attribute"
                + " create --namespace default --name MigrationType --type Keyword"),
        message);
    assertFalse(message.contains("--name SourceHost"), message);
  }

  @Test
  void anAttributeOfAnotherTypeFailsStartUp() throws IOException {
    Map<String, IndexedValueType> custom = allKeyword();
    custom.put(SearchAttributeNames.MIGRATION_STATUS, IndexedValueType.INDEXED_VALUE_TYPE_TEXT);
    OperatorServiceBlockingStub operator = serving(custom, new AtomicReference<>());

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> SearchAttributeCheck.require(operator, "default", TARGET));
    assertTrue(
        e.getMessage().contains("MigrationStatus is Text, Ferry needs Keyword"), e.getMessage());
    assertFalse(e.getMessage().contains("search-attribute create"), e.getMessage());
  }

  @Test
  void anEngineWithoutListSearchAttributesIsNotChecked() throws IOException {
    // The base implementation answers UNIMPLEMENTED, as Temporal's Java test server does.
    OperatorServiceBlockingStub operator =
        over(new OperatorServiceGrpc.OperatorServiceImplBase() {});
    assertDoesNotThrow(() -> SearchAttributeCheck.require(operator, "default", TARGET));
  }

  @Test
  void anyOtherErrorFailsStartUpNamingTheNamespace() throws IOException {
    OperatorServiceBlockingStub operator =
        over(
            new OperatorServiceGrpc.OperatorServiceImplBase() {
              @Override
              public void listSearchAttributes(
                  ListSearchAttributesRequest request,
                  StreamObserver<ListSearchAttributesResponse> response) {
                response.onError(
                    Status.NOT_FOUND.withDescription("namespace nope not found").asException());
              }
            });
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> SearchAttributeCheck.require(operator, "nope", TARGET));
    assertEquals(
        "cannot list the search attributes of namespace nope on Temporal at localhost:7233:"
            + " NOT_FOUND (namespace nope not found)",
        e.getMessage());
  }
}
