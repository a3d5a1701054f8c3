package dev.ferry.client.fakes;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.ferry.client.FerryClient;
import dev.ferry.live.JobProgress;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.move.MoveSearchAttributes;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.internal.common.ProtobufTimeUtils;
import io.temporal.internal.common.SearchAttributesUtil;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST ONLY: a Temporal frontend (in-process gRPC) that implements ListWorkflowExecutions alone,
 * over rows given in the order a visibility store returns them, with page tokens; it records every
 * request; an instance's {@code get} query answers for the records given ({@link #instance}), and
 * DescribeWorkflowExecution for the moves given a running step ({@link #progress}, {@link #step}).
 * Every other call but GetSystemInfo answers UNIMPLEMENTED (so placement, and server names, are
 * missing).
 */
public final class FakeVisibility extends WorkflowServiceGrpc.WorkflowServiceImplBase
    implements AutoCloseable {
  public final List<ListWorkflowExecutionsRequest> requests = new CopyOnWriteArrayList<>();

  /** The workflow id of every query asked. */
  public final List<String> queries = new CopyOnWriteArrayList<>();

  private final Map<String, InstanceRecord> records = new ConcurrentHashMap<>();
  private final Map<String, PendingActivityInfo> pending = new ConcurrentHashMap<>();
  private final List<WorkflowExecutionInfo> rows = new ArrayList<>();
  private volatile Status refusal;
  private final Server server;
  private final ManagedChannel channel;
  private final WorkflowServiceStubs stubs;

  public FakeVisibility() {
    String name = InProcessServerBuilder.generateName();
    try {
      server = InProcessServerBuilder.forName(name).directExecutor().addService(this).build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setChannel(channel).build());
  }

  /** A client over this frontend, namespace {@code ferry-ns}. */
  public FerryClient client() {
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace("ferry-ns").build());
    return FerryClient.of(client, Duration.ofSeconds(5));
  }

  /** Every listing from now on fails with this status. */
  public FakeVisibility refuseWith(Status status) {
    refusal = status;
    return this;
  }

  /** Adds a row as a move workflow {@code move:<moveId>}; {@code closed} null: still running. */
  public FakeVisibility move(
      String moveId,
      String instanceId,
      MoveType type,
      String status,
      String source,
      String dest,
      Instant started,
      Instant closed) {
    rows.add(row(moveId, instanceId, type, status, source, dest, started, closed));
    return this;
  }

  public static WorkflowExecutionInfo row(
      String moveId,
      String instanceId,
      MoveType type,
      String status,
      String source,
      String dest,
      Instant started,
      Instant closed) {
    SearchAttributes.Builder attributes =
        SearchAttributes.newBuilder()
            .set(MoveSearchAttributes.INSTANCE_ID, instanceId)
            .set(MoveSearchAttributes.SOURCE_HOST, source)
            .set(MoveSearchAttributes.MIGRATION_TYPE, type.name())
            .set(MoveSearchAttributes.MIGRATION_STATUS, status);
    if (dest != null) {
      attributes.set(MoveSearchAttributes.DEST_HOST, dest);
    }
    WorkflowExecutionInfo.Builder info =
        WorkflowExecutionInfo.newBuilder()
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId("move:" + moveId))
            .setStartTime(ProtobufTimeUtils.toProtoTimestamp(started))
            .setStatus(
                closed == null
                    ? WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
                    : WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)
            .setSearchAttributes(SearchAttributesUtil.encodeTyped(attributes.build()));
    if (closed != null) {
      info.setCloseTime(ProtobufTimeUtils.toProtoTimestamp(closed));
    }
    return info.build();
  }

  /** From now on the server's record answers its instance's {@code get} query. */
  public FakeVisibility instance(InstanceRecord record) {
    records.put(Names.instanceWorkflowId(record.id), record);
    return this;
  }

  /**
   * From now on describing the move's workflow answers a pending live-migration job that last
   * heartbeat {@code job}, as the engine does while the job runs.
   */
  public FakeVisibility progress(String moveId, JobProgress job) {
    return step(moveId, LiveMigrationWorkflow.JOB_ACTIVITY_TYPE, 1, job);
  }

  /**
   * From now on describing the move's workflow answers one started activity of {@code activityType}
   * in its {@code attempt}, whose last heartbeat was {@code details} (none if null).
   */
  public FakeVisibility step(String moveId, String activityType, int attempt, Object details) {
    PendingActivityInfo.Builder step =
        PendingActivityInfo.newBuilder()
            .setActivityType(ActivityType.newBuilder().setName(activityType))
            .setState(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
            .setAttempt(attempt)
            .setLastStartedTime(Timestamp.newBuilder().setSeconds(1_796_000_000L));
    if (details != null) {
      step.setHeartbeatDetails(
          DefaultDataConverter.STANDARD_INSTANCE.toPayloads(details).orElseThrow());
    }
    pending.put(Names.moveWorkflowId(moveId), step.build());
    return this;
  }

  /**
   * A move given a step: that pending activity; any other workflow: none (a move waiting on a timer
   * or decision).
   */
  @Override
  public void describeWorkflowExecution(
      DescribeWorkflowExecutionRequest request,
      StreamObserver<DescribeWorkflowExecutionResponse> response) {
    PendingActivityInfo step = pending.get(request.getExecution().getWorkflowId());
    DescribeWorkflowExecutionResponse.Builder described =
        DescribeWorkflowExecutionResponse.newBuilder();
    if (step != null) {
      described.addPendingActivities(step);
    }
    response.onNext(described.build());
    response.onCompleted();
  }

  /** An instance's {@code get} query, for the records given; any other query: UNIMPLEMENTED. */
  @Override
  public void queryWorkflow(
      QueryWorkflowRequest request, StreamObserver<QueryWorkflowResponse> response) {
    queries.add(request.getExecution().getWorkflowId());
    InstanceRecord record = records.get(request.getExecution().getWorkflowId());
    if (record == null || !request.getQuery().getQueryType().equals("get")) {
      response.onError(Status.UNIMPLEMENTED.asRuntimeException());
      return;
    }
    Payloads result = DefaultDataConverter.STANDARD_INSTANCE.toPayloads(record).orElseThrow();
    response.onNext(QueryWorkflowResponse.newBuilder().setQueryResult(result).build());
    response.onCompleted();
  }

  /** The SDK asks for the server's capabilities before its first call: none. */
  @Override
  public void getSystemInfo(
      GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
    response.onNext(GetSystemInfoResponse.getDefaultInstance());
    response.onCompleted();
  }

  /** Pages of the request's size; the token is the next row's index. */
  @Override
  public void listWorkflowExecutions(
      ListWorkflowExecutionsRequest request,
      StreamObserver<ListWorkflowExecutionsResponse> response) {
    requests.add(request);
    if (refusal != null) {
      response.onError(refusal.asRuntimeException());
      return;
    }
    int from =
        request.getNextPageToken().isEmpty()
            ? 0
            : Integer.parseInt(request.getNextPageToken().toStringUtf8());
    int to = Math.min(rows.size(), from + request.getPageSize());
    ListWorkflowExecutionsResponse.Builder page =
        ListWorkflowExecutionsResponse.newBuilder().addAllExecutions(rows.subList(from, to));
    if (to < rows.size()) {
      page.setNextPageToken(ByteString.copyFromUtf8(Integer.toString(to)));
    }
    response.onNext(page.build());
    response.onCompleted();
  }

  @Override
  public void close() {
    stubs.shutdownNow();
    channel.shutdownNow();
    server.shutdownNow();
  }
}
