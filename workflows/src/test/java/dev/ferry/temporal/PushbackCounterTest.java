package dev.ferry.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PushbackCounterTest {
  private final AtomicInteger refusalsLeft = new AtomicInteger();
  private final List<String> told = new ArrayList<>();
  private final PushbackCounter counter = new PushbackCounter(told::add);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new WorkflowServiceGrpc.WorkflowServiceImplBase() {
                  @Override
                  public void getSystemInfo(
                      GetSystemInfoRequest request,
                      StreamObserver<GetSystemInfoResponse> response) {
                    if (refusalsLeft.getAndDecrement() > 0) {
                      response.onError(
                          Status.RESOURCE_EXHAUSTED
                              .withDescription("limit on number of concurrent in-flight updates")
                              .asRuntimeException());
                    } else if (refusalsLeft.get() < -5) {
                      response.onError(Status.NOT_FOUND.asRuntimeException());
                    } else {
                      response.onNext(GetSystemInfoResponse.getDefaultInstance());
                      response.onCompleted();
                    }
                  }
                })
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private WorkflowServiceGrpc.WorkflowServiceBlockingStub stub() {
    return WorkflowServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, counter));
  }

  @Test
  void countsAndReportsEachResourceExhaustedAnswer() {
    refusalsLeft.set(2);
    for (int i = 0; i < 2; i++) {
      assertThrows(
          StatusRuntimeException.class,
          () -> stub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()));
    }
    stub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());

    assertEquals(2, counter.pushbacks());
    assertEquals(2, told.size(), told::toString);
    assertTrue(told.get(1).contains("GetSystemInfo"), told::toString);
    assertTrue(told.get(1).contains("in-flight updates"), told::toString);
    assertTrue(told.get(1).endsWith("2 pushback(s) so far"), told::toString);
  }

  @Test
  void otherFailuresAndSuccessesAreNotPushbacks() {
    refusalsLeft.set(-10);
    assertThrows(
        StatusRuntimeException.class,
        () -> stub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()));
    refusalsLeft.set(0);
    stub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());

    assertEquals(0, counter.pushbacks());
    assertEquals(List.of(), told);
  }
}
