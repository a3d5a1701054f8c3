package dev.ferry.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.host.agent.LeaseWatch;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An agent whose lease was lost while it kept running (frozen past the heartbeat timeout, the
 * Temporal server away and back) comes back by itself the way it starts, under a new incarnation,
 * and only when its HostWorkflow says the host is DOWN.
 */
class LeaseRecoveryTest {
  private static final Duration QUIET_LIMIT = HostAgent.LEASE_QUIET_LIMIT;
  private static final Duration TICK = Duration.ofSeconds(1);

  private long now = 5_000_000_000L;
  private final LeaseWatch watch = new LeaseWatch("inc-1", QUIET_LIMIT, () -> now);
  private final FakeAgent agent = new FakeAgent();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicInteger incarnations = new AtomicInteger(1);
  private final LeaseRecovery recovery =
      new LeaseRecovery(
          "h2",
          watch,
          agent,
          stopping::get,
          () -> "inc-" + incarnations.incrementAndGet(),
          () -> now);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(LeaseRecovery.class)).addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    ((Logger) LoggerFactory.getLogger(LeaseRecovery.class)).detachAppender(logged);
  }

  /** The agent's lease-watch thread, for {@code d} of its life. */
  private void runFor(Duration d) {
    for (long t = 0; t < d.toSeconds(); t++) {
      now += TICK.toNanos();
      recovery.check();
    }
  }

  private static HostRecord host(HostStatus status, String incarnation) {
    HostRecord r = new HostRecord();
    r.name = "h2";
    r.status = status;
    r.incarnation = incarnation;
    r.downReason = status == HostStatus.DOWN ? "agent lease lost: heartbeat timeout" : null;
    return r;
  }

  /**
   * The lease ran, then the server refused its heartbeat (the agent was frozen past its timeout).
   */
  private void leaseRefused() {
    watch.started("inc-1");
    watch.refused("inc-1");
    watch.ended("inc-1");
  }

  private List<String> infos() {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.INFO)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void whileTheLeaseIsHeldTheHostWorkflowIsNotEvenAsked() {
    watch.started("inc-1");
    runFor(Duration.ofMinutes(20));
    watch.ended("inc-1"); // RENEW
    runFor(Duration.ofSeconds(2));
    watch.started("inc-1"); // the next period
    runFor(Duration.ofMinutes(5));

    assertEquals(List.of(), agent.calls);
  }

  @Test
  void aRefusedLeaseOfAHostThatIsDownComesBackTheWayItStartsUnderANewIncarnation() {
    agent.record = host(HostStatus.DOWN, "inc-1");
    leaseRefused();

    runFor(TICK);

    assertEquals(List.of("read", "suspend", "join inc-2", "resume"), agent.calls);
    assertEquals("inc-2", watch.incarnation());
    assertEquals(HostStatus.UP, agent.record.status);
    List<String> infos = infos();
    assertEquals(2, infos.size(), infos::toString);
    assertTrue(
        infos.get(0).startsWith("host h2 lost its lease (incarnation inc-1"), infos::toString);
    assertTrue(infos.get(0).contains("registering again as incarnation inc-2"), infos::toString);
    assertTrue(
        infos.get(1).startsWith("host h2 back: registered as incarnation inc-2"), infos::toString);

    // Back: nothing more while its new lease arrives and runs.
    watch.started("inc-2");
    runFor(Duration.ofMinutes(2));
    assertEquals(4, agent.calls.size(), agent.calls::toString);
  }

  @Test
  void aLeaseWhoseEndWentUnreportedIsNoticedOnceNoNextLeaseCameForTheQuietLimit() {
    agent.record = host(HostStatus.DOWN, "inc-1");
    watch.started("inc-1");
    watch.ended("inc-1"); // RENEW while the server was away: it times the lease out, DOWN

    runFor(QUIET_LIMIT);
    assertEquals(List.of(), agent.calls);
    runFor(TICK);

    assertEquals(List.of("read", "suspend", "join inc-2", "resume"), agent.calls);
  }

  @Test
  void aHostStillUpUnderThisIncarnationIsLeftAloneItsNextLeaseIsOnItsWay() {
    // e.g. the HostWorkflow continued as new: its run's lease is gone, the new run grants another
    agent.record = host(HostStatus.UP, "inc-1");
    leaseRefused();

    runFor(Duration.ofSeconds(4)); // read at 1 s, then after 1 s and 2 s more: a backoff
    assertEquals(List.of("read", "read", "read"), agent.calls);
    watch.started("inc-1");
    runFor(Duration.ofMinutes(2));

    assertEquals(List.of("read", "read", "read"), agent.calls);
    assertEquals("inc-1", watch.incarnation());
  }

  @Test
  void aHostWorkflowTheServerNoLongerHasIsALostLease() {
    agent.record = null;
    leaseRefused();

    runFor(TICK);

    assertEquals(List.of("read", "suspend", "join inc-2", "resume"), agent.calls);
  }

  @Test
  void whileTheRecordCannotBeReadTheAgentKeepsTryingThenComesBackOnceItSaysDown() {
    agent.readFailure = new RuntimeException("UNAVAILABLE: the server is away");
    leaseRefused();

    runFor(Duration.ofSeconds(20));
    // every second, no growing backoff: UP within seconds of the server being back
    assertEquals(20, agent.calls.size(), agent.calls::toString);
    assertTrue(agent.calls.stream().allMatch("read"::equals), agent.calls::toString);

    agent.readFailure = null;
    agent.record = host(HostStatus.DOWN, "inc-1");
    runFor(TICK);

    assertEquals(List.of("read", "suspend", "join inc-2", "resume"), agent.calls.subList(20, 24));
  }

  @Test
  void aHostUpUnderAnotherAgentsIncarnationIsNotFoughtFor() {
    agent.record = host(HostStatus.UP, "someone-else");
    leaseRefused();

    runFor(Duration.ofMinutes(2));

    assertTrue(agent.calls.stream().allMatch("read"::equals), agent.calls::toString);
    assertEquals("inc-1", watch.incarnation());
    long warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    assertEquals(1, warnings);
  }

  @Test
  void withLibvirtLostTheHostStaysDownUntilItIsBackAndItsRecordIsNotEvenRead() {
    agent.record = host(HostStatus.DOWN, "inc-1");
    agent.libvirtHealthy = false;
    leaseRefused();

    runFor(Duration.ofMinutes(2));
    assertEquals(List.of(), agent.calls);

    agent.libvirtHealthy = true;
    runFor(TICK);

    assertEquals(List.of("read", "suspend", "join inc-2", "resume"), agent.calls);
  }

  @Test
  void aFailedComebackStaysSuspendedAndIsTriedAgainUnderTheSameNewIncarnation() {
    agent.record = host(HostStatus.DOWN, "inc-1");
    agent.joinFailures = 2; // the server went away again mid-way
    leaseRefused();

    runFor(Duration.ofSeconds(3)); // tried again every second

    assertEquals(
        List.of("read", "suspend", "join inc-2", "join inc-2", "join inc-2", "resume"),
        agent.calls);
    assertEquals(HostStatus.UP, agent.record.status);
    assertEquals("inc-2", agent.record.incarnation);
  }

  @Test
  void anAgentThatIsStoppingNeverRegistersAgain() {
    agent.record = host(HostStatus.DOWN, "inc-1");
    leaseRefused();
    stopping.set(true);

    runFor(Duration.ofMinutes(2));

    assertEquals(List.of(), agent.calls);
  }

  @Test
  void anAgentStoppingDuringItsComebackDoesNotPollAgain() {
    agent.record = host(HostStatus.DOWN, "inc-1");
    agent.onJoin = () -> stopping.set(true); // SIGTERM while it runs its cleanup list
    leaseRefused();

    runFor(Duration.ofSeconds(10));

    assertEquals(List.of("read", "suspend", "join inc-2"), agent.calls);
  }

  /** The agent, as far as the recovery sees it: its HostWorkflow's record, libvirt, its pollers. */
  private static final class FakeAgent implements LeaseRecovery.Agent {
    final List<String> calls = new ArrayList<>();
    HostRecord record;
    RuntimeException readFailure;
    boolean libvirtHealthy = true;
    int joinFailures;
    Runnable onJoin = () -> {};

    @Override
    public HostRecord hostRecord() {
      calls.add("read");
      if (readFailure != null) {
        throw readFailure;
      }
      return record;
    }

    @Override
    public boolean canServe() {
      return libvirtHealthy;
    }

    @Override
    public void suspendPolling() {
      calls.add("suspend");
    }

    @Override
    public boolean join(String incarnation) {
      calls.add("join " + incarnation);
      onJoin.run();
      if (joinFailures > 0) {
        joinFailures--;
        throw new RuntimeException("UNAVAILABLE: the server is away");
      }
      record = host(HostStatus.UP, incarnation);
      return true;
    }

    @Override
    public void resumePolling() {
      calls.add("resume");
    }
  }
}
