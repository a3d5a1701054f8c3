package dev.ferry.worker.agent;

import dev.ferry.host.agent.LeaseWatch;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent whose lease was lost while it kept running (frozen past the heartbeat timeout, the
 * Temporal server away and back) comes back by itself, the way it starts. The HostWorkflow grants
 * no new lease to the incarnation that lost one, so without this its host stayed DOWN while the
 * agent went on serving.
 *
 * <p>The mechanism: the {@link LeaseWatch} makes the lease suspect (a heartbeat refused, or no
 * lease here for longer than the heartbeat timeout). A suspicion alone proves nothing (a
 * continue-as-new also ends the running lease; the conductor may be away between renewals), so the
 * agent then reads its HostWorkflow: only a host DOWN (or a HostWorkflow the server no longer has)
 * is a lost lease. Then, unless the agent is stopping or its libvirt is lost: it stops taking new
 * work (polling suspended), runs its cleanup list and registers under a NEW incarnation (leases of
 * the old one end STALE), reconciles, and polls again. A host UP under another incarnation is
 * served by another agent process: this one does not fight it for the host.
 */
public final class LeaseRecovery {
  private static final Logger log = LoggerFactory.getLogger(LeaseRecovery.class);

  /**
   * While the lease is suspect but the host UP, its HostWorkflow is read again after 1 s, 2 s, 4 s
   * ... at most 30 s: each read replays the workflow on the conductor.
   */
  static final Duration CONFIRM_FIRST = Duration.ofSeconds(1);

  static final Duration CONFIRM_MAX = Duration.ofSeconds(30);

  /**
   * A read or a comeback that failed (the server or the conductor away) is tried again after this,
   * without a growing backoff: the host must be UP within seconds of the server being back, and a
   * call that fails costs little.
   */
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);

  /** What the recovery acts on: the agent, a fake in tests. */
  public interface Agent {
    /**
     * The host's record as its HostWorkflow has it; null when there is no such workflow. Throws
     * when it cannot be read now (the server or the conductor away).
     */
    HostRecord hostRecord();

    /** False while the agent could not serve (its libvirt connection is lost). */
    boolean canServe();

    void suspendPolling();

    /**
     * The start-up path ({@link HostRegistrar#join}): cleanup list, registration under {@code
     * incarnation}, reconciliation. False when the agent stopped first; throws when it failed.
     */
    boolean join(String incarnation);

    void resumePolling();
  }

  /** What the HostWorkflow's record says of this agent's lease. */
  enum Verdict {
    /** UP under this incarnation: a lease is (or will be) granted; nothing to do. */
    HELD,
    /** DOWN, or no HostWorkflow: register again. */
    LOST,
    /** UP under another incarnation than this process's: another agent process serves the host. */
    SERVED_BY_ANOTHER
  }

  private final String hostName;
  private final LeaseWatch watch;
  private final Agent agent;
  private final BooleanSupplier stopping;
  private final Supplier<String> newIncarnation;
  private final LongSupplier nanoTime;

  private Duration confirmEvery = CONFIRM_FIRST;
  private long nextLookNanos;
  private boolean warnedAboutAnother;
  private String comingBackAs;
  private long lostAtNanos;

  public LeaseRecovery(
      String hostName,
      LeaseWatch watch,
      Agent agent,
      BooleanSupplier stopping,
      Supplier<String> newIncarnation,
      LongSupplier nanoTime) {
    this.hostName = hostName;
    this.watch = watch;
    this.agent = agent;
    this.stopping = stopping;
    this.newIncarnation = newIncarnation;
    this.nanoTime = nanoTime;
    this.nextLookNanos = nanoTime.getAsLong();
  }

  /** The production agent: its registrar, its workers' polling, its libvirt connection. */
  static Agent agent(HostRegistrar registrar, WorkerFactory polling, LibvirtConnection libvirt) {
    return new Agent() {
      @Override
      public HostRecord hostRecord() {
        return registrar.read();
      }

      @Override
      public boolean canServe() {
        return libvirt.isHealthy();
      }

      @Override
      public void suspendPolling() {
        polling.suspendPolling();
      }

      @Override
      public boolean join(String incarnation) {
        return registrar.join(incarnation);
      }

      @Override
      public void resumePolling() {
        polling.resumePolling();
      }
    };
  }

  /** Runs {@link #check} on its own daemon thread every {@code interval}; shut it down to stop. */
  ScheduledExecutorService checkEvery(Duration interval) {
    ScheduledExecutorService checks =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ferry-agent-lease-watch");
              t.setDaemon(true);
              return t;
            });
    checks.scheduleWithFixedDelay(
        () -> {
          try {
            check();
          } catch (RuntimeException e) {
            // a failed look must not end the schedule: the next one tries again
            log.warn("lease check of host {} failed: {}", hostName, e.toString());
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return checks;
  }

  static Verdict judge(HostRecord record, String incarnation) {
    if (record == null || record.status != HostStatus.UP) {
      return Verdict.LOST;
    }
    return incarnation.equals(record.incarnation) ? Verdict.HELD : Verdict.SERVED_BY_ANOTHER;
  }

  /** One look; the agent's lease-watch thread calls it every second. */
  public synchronized void check() {
    if (stopping.getAsBoolean()) {
      return;
    }
    boolean due = nanoTime.getAsLong() - nextLookNanos >= 0;
    if (comingBackAs != null) {
      if (due) {
        comeBack();
      }
      return;
    }
    if (!watch.suspect()) {
      confirmEvery = CONFIRM_FIRST;
      nextLookNanos = nanoTime.getAsLong();
      warnedAboutAnother = false;
      return;
    }
    if (!due) {
      return;
    }
    if (!agent.canServe()) {
      lookAgainIn(RETRY_AFTER_FAILURE); // libvirt is lost: no coming back before it is back
      return;
    }
    String incarnation = watch.incarnation();
    HostRecord record;
    try {
      record = agent.hostRecord();
    } catch (RuntimeException e) {
      log.debug("lease of {} suspect; its record cannot be read yet: {}", hostName, e.toString());
      lookAgainIn(RETRY_AFTER_FAILURE);
      return;
    }
    switch (judge(record, incarnation)) {
      case HELD -> lookAgainLater(); // e.g. continued as new: its next lease is on its way
      case SERVED_BY_ANOTHER -> {
        if (!warnedAboutAnother) {
          warnedAboutAnother = true;
          log.warn(
              "host {} is UP under incarnation {}, not this agent's {}: another agent process"
                  + " serves it; this one does not register again while it does",
              hostName,
              record.incarnation,
              incarnation);
        }
        lookAgainLater();
      }
      case LOST -> {
        comingBackAs = newIncarnation.get();
        lostAtNanos = nanoTime.getAsLong();
        log.info(
            "host {} lost its lease (incarnation {}, {}; the host is {}): not taking new work,"
                + " running its cleanup list and registering again as incarnation {}",
            hostName,
            incarnation,
            watch.suspicion(),
            record == null ? "unknown to the server" : "DOWN: " + record.downReason,
            comingBackAs);
        agent.suspendPolling();
        watch.replace(comingBackAs); // from now on, leases of the old incarnation end STALE
        comeBack();
      }
    }
  }

  /** Joins under {@link #comingBackAs}; on failure, tries again with a backoff. */
  private void comeBack() {
    boolean joined;
    try {
      joined = agent.join(comingBackAs);
    } catch (RuntimeException e) {
      if (!stopping.getAsBoolean()) {
        log.warn(
            "host {} not registered again yet ({}); retrying in {} s",
            hostName,
            e.toString(),
            RETRY_AFTER_FAILURE.toSeconds());
        lookAgainIn(RETRY_AFTER_FAILURE);
      }
      return;
    }
    if (!joined || stopping.getAsBoolean()) {
      return; // the agent is stopping: it stays suspended and shuts down
    }
    agent.resumePolling();
    log.info(
        "host {} back: registered as incarnation {} {} ms after it found its lease lost; polling"
            + " work again",
        hostName,
        comingBackAs,
        Duration.ofNanos(nanoTime.getAsLong() - lostAtNanos).toMillis());
    comingBackAs = null;
    confirmEvery = CONFIRM_FIRST;
  }

  private void lookAgainIn(Duration wait) {
    nextLookNanos = nanoTime.getAsLong() + wait.toNanos();
  }

  /** Backs off: the next read after the current interval, which doubles up to its maximum. */
  private void lookAgainLater() {
    nextLookNanos = nanoTime.getAsLong() + confirmEvery.toNanos();
    Duration doubled = confirmEvery.multipliedBy(2);
    confirmEvery = doubled.compareTo(CONFIRM_MAX) > 0 ? CONFIRM_MAX : doubled;
  }
}
