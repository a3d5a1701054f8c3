package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** What a failed Temporal call means: Temporal or the worker behind it could not be reached. */
class FailuresTest {
  private static final String TARGET = "localhost:7233";

  private static RuntimeException translate(Status status) {
    return Failures.translate(
        "query server web1", new RuntimeException(status.asRuntimeException()), null, TARGET);
  }

  @Test
  void temporalUnavailableIsARefusalUnreachable() {
    FerryRejection r =
        assertInstanceOf(
            FerryRejection.class,
            translate(Status.UNAVAILABLE.withDescription("Connection refused")));
    assertEquals(Reason.UNREACHABLE, r.reason());
    assertTrue(r.getMessage().startsWith("cannot reach Temporal at " + TARGET), r.getMessage());
  }

  @Test
  void aTaskQueueWithoutPollerIsARefusalUnreachable() {
    FerryRejection r =
        assertInstanceOf(
            FerryRejection.class,
            translate(
                Status.FAILED_PRECONDITION.withDescription(
                    "no poller seen for task queue recently, worker may be down")));
    assertEquals(Reason.UNREACHABLE, r.reason());
    assertTrue(r.getMessage().contains("is the Ferry conductor running?"), r.getMessage());
  }

  @Test
  void anotherFailedPreconditionIsAPlainFailure() {
    RuntimeException f =
        translate(Status.FAILED_PRECONDITION.withDescription("workflow is not ready"));
    assertEquals(FerryFailure.class, f.getClass());
  }

  @Test
  void noAnswerInTimeIsNoAnswerWhoseFateIsUnknown() {
    NoAnswer f = assertInstanceOf(NoAnswer.class, translate(Status.DEADLINE_EXCEEDED));
    assertTrue(f.getMessage().contains("did not answer in time"), f.getMessage());
    assertTrue(f.getMessage().contains("a request it already accepted goes on"), f.getMessage());
  }
}
