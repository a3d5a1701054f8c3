package dev.ferry.host.agent;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatRequest;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatResponse;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends one heartbeat of the running lease to the Temporal server and returns its answer, which the
 * agent then has seen: the only thing that extends its {@link LeaseDeadline}. (The SDK's {@code
 * heartbeat()} queues a heartbeat and sends it later, throttled: its return proves nothing.)
 */
@FunctionalInterface
public interface LeaseHeartbeats {

  /** What the server answered. */
  enum Answer {
    /** Recorded: the lease runs on. */
    ACKNOWLEDGED,
    /** Recorded, but the server asks the lease to end (cancelled, paused or reset). */
    END_REQUESTED,
    /** The server has no such running activity: it timed out, or its workflow run closed. */
    GONE
  }

  /**
   * @throws RuntimeException when no answer came (the server away, too slow): nothing is known
   */
  Answer send(byte[] taskToken, String incarnation);

  /**
   * Heartbeats sent as a direct RecordActivityTaskHeartbeat call of {@code client}'s service, each
   * answered within {@code answerWithin} or failed.
   */
  static LeaseHeartbeats direct(WorkflowClient client, Duration answerWithin) {
    return (taskToken, incarnation) -> {
      RecordActivityTaskHeartbeatRequest.Builder request =
          RecordActivityTaskHeartbeatRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setIdentity(client.getOptions().getIdentity())
              .setTaskToken(ByteString.copyFrom(taskToken));
      client.getOptions().getDataConverter().toPayloads(incarnation).ifPresent(request::setDetails);
      RecordActivityTaskHeartbeatResponse answer;
      try {
        answer =
            client
                .getWorkflowServiceStubs()
                .blockingStub()
                .withDeadlineAfter(answerWithin.toMillis(), TimeUnit.MILLISECONDS)
                .recordActivityTaskHeartbeat(request.build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return Answer.GONE;
        }
        throw e;
      }
      return answer.getCancelRequested() || answer.getActivityPaused() || answer.getActivityReset()
          ? Answer.END_REQUESTED
          : Answer.ACKNOWLEDGED;
    };
  }
}
