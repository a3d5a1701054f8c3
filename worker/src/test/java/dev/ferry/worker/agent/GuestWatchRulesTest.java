package dev.ferry.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.worker.agent.GuestReports.Verdict;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.libvirt.event.DomainEventType;

/** What the guest watch makes of a lifecycle event and of its report's fate. */
class GuestWatchRulesTest {
  private static final Duration DEBOUNCE = Duration.ofSeconds(2);

  @Test
  void aStopIsReadAfterTheDebounceEverythingElseAtOnce() {
    assertEquals(DEBOUNCE, GuestWatch.readDelay(DomainEventType.STOPPED, DEBOUNCE));
    assertEquals(DEBOUNCE, GuestWatch.readDelay(DomainEventType.SHUTDOWN, DEBOUNCE));
    for (DomainEventType now :
        new DomainEventType[] {
          DomainEventType.STARTED,
          DomainEventType.SUSPENDED,
          DomainEventType.RESUMED,
          DomainEventType.PMSUSPENDED,
          DomainEventType.CRASHED,
          DomainEventType.DEFINED,
          DomainEventType.UNDEFINED // read at once: the domain is gone, the report MISSING
        }) {
      assertEquals(Duration.ZERO, GuestWatch.readDelay(now, DEBOUNCE), now.toString());
    }
  }

  @Test
  void aBusyInstanceDefersTheReportARefusalDropsItATransportFailureRetriesIt() {
    assertEquals(Verdict.DEFERRED, GuestReports.verdict(refusal(Reason.INSTANCE_BUSY)));
    assertEquals(Verdict.DROPPED, GuestReports.verdict(refusal(Reason.NO_CHANGE)));
    assertEquals(Verdict.DROPPED, GuestReports.verdict(refusal(Reason.STALE_REPORT)));
    assertEquals(Verdict.DROPPED, GuestReports.verdict(refusal(Reason.INVALID_STATE)));
    assertEquals(
        Verdict.DROPPED,
        GuestReports.verdict(
            new WorkflowNotFoundException(
                WorkflowExecution.newBuilder().setWorkflowId("instance:x").build(),
                "InstanceWorkflow",
                null)),
        "no such instance");
    assertEquals(
        Verdict.RETRY, GuestReports.verdict(new RuntimeException("UNAVAILABLE: conductor down")));
  }

  @Test
  void retriesBackOffUpToTheCap() {
    Duration first = Duration.ofSeconds(1);
    Duration max = Duration.ofSeconds(30);
    assertEquals(Duration.ofSeconds(1), GuestWatch.backoff(0, first, max));
    assertEquals(Duration.ofSeconds(2), GuestWatch.backoff(1, first, max));
    assertEquals(Duration.ofSeconds(16), GuestWatch.backoff(4, first, max));
    assertEquals(max, GuestWatch.backoff(5, first, max));
    assertEquals(max, GuestWatch.backoff(500, first, max));
  }

  /** A refusal as the client sees it: the validator's failure inside the update exception. */
  private static RuntimeException refusal(Reason reason) {
    return new WorkflowUpdateException(
        WorkflowExecution.newBuilder().setWorkflowId("instance:x").build(),
        "u1",
        "observeGuest",
        new FerryRejection(reason, "refused").toFailure());
  }
}
