package dev.ferry.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LifecycleEvents;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.GuestObservation;
import dev.ferry.model.GuestState;
import dev.ferry.worker.agent.GuestReports.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/**
 * How the guest watch paces its reports, with a fake instance behind them: a send that fails is
 * tried again with a growing wait, a report a move refuses is sent again every recheck interval
 * until taken, and an instance never has two reports under way. On {@code test:///default}.
 */
class GuestWatchPacingTest {
  private static final String HOST = "h1";

  /** test:///default's own domain, which Ferry did not define. */
  private static final String UNTAGGED = "6695eb01-f6a4-8304-79aa-97f2502e193f";

  private static final GuestWatch.Settings PACE =
      new GuestWatch.Settings(
          Duration.ofMillis(300),
          Duration.ofMillis(150),
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          Duration.ofMillis(400),
          64);

  /** One call of the fake instance: when it ran, and what it was told. */
  private record Send(long startNanos, long endNanos, GuestObservation report) {}

  private final String id = UUID.randomUUID().toString();
  private final List<Send> sends = new CopyOnWriteArrayList<>();
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private LibvirtConnection libvirt;
  private GuestWatch watch;

  @BeforeEach
  void openHost() throws Exception {
    libvirt = LibvirtConnection.open(TestGuests.URI);
    TestGuests.defineAndStart(libvirt, id, 1);
  }

  @AfterEach
  void closeHost() throws Exception {
    if (watch != null) {
      watch.close();
    }
    TestGuests.remove(libvirt, id);
    libvirt.close();
  }

  @Test
  void aSendThatFailsIsTriedAgainWithAGrowingWaitEvenWhileNewsArrivesNeverTwiceAtOnce()
      throws Exception {
    startWatch(
        report -> {
          // the guest changes while a send is under way: its events wait for the send and its wait
          TestGuests.on(libvirt, id, GuestWatchPacingTest::toggle);
          throw new IllegalStateException("UNAVAILABLE: the conductor is down");
        });

    await(() -> sendsOfId().size() >= 5);

    List<Send> attempts = sendsOfId();
    assertEquals(1, maxConcurrent.get(), "one report of an instance at a time");
    for (int i = 1; i < attempts.size(); i++) {
      Duration wait = GuestWatch.backoff(i - 1, PACE.retryFirst(), PACE.retryMax());
      long gap = attempts.get(i).startNanos() - attempts.get(i - 1).endNanos();
      assertTrue(gap >= wait.toNanos(), "attempt " + i + ": " + gap / 1e6 + " ms < " + wait);
    }
  }

  @Test
  void aReportAMoveRefusesIsSentAgainUntilTaken() throws Exception {
    AtomicInteger refusals = new AtomicInteger(3);
    startWatch(
        report -> {
          if (refusals.getAndDecrement() > 0) {
            throw new FerryRejection(Reason.INSTANCE_BUSY, "a move holds it");
          }
          return "taken";
        });

    await(() -> watch.isDeferred(id));
    await(() -> sendsOfId().size() == 4 && !watch.isDeferred(id));

    List<Send> attempts = sendsOfId();
    for (int i = 1; i < attempts.size(); i++) {
      long gap = attempts.get(i).startNanos() - attempts.get(i - 1).endNanos();
      assertTrue(gap >= PACE.deferredRecheck().toNanos(), "recheck " + i + ": " + gap / 1e6);
    }
  }

  @Test
  void aDomainLibvirtNoLongerHasIsMissingOneWithoutFerrysTagIsNotReported() {
    GuestReports reports =
        new GuestReports(
            HOST,
            libvirt,
            report -> {
              sends.add(new Send(0, 0, report));
              return "taken";
            });
    String gone = UUID.randomUUID().toString();

    assertEquals(Verdict.APPLIED, reports.report(gone, "UNDEFINED event", System.nanoTime()));
    assertEquals(Verdict.DROPPED, reports.report(UNTAGGED, "STARTED event", System.nanoTime()));

    assertEquals(1, sends.size(), "the untagged domain is not reported: " + sends);
    assertEquals(
        new GuestObservation(gone, HOST, -1, GuestState.MISSING, null), sends.get(0).report);
  }

  private interface Instance {
    String observe(GuestObservation report) throws Exception;
  }

  private void startWatch(Instance instance) throws Exception {
    GuestReports.Sender sender =
        report -> {
          long start = System.nanoTime();
          // test:///default is shared by the JVM's tests: a full pass also reports their domains
          boolean ours = report.instanceId().equals(id);
          if (ours) {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
          }
          try {
            return instance.observe(report);
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          } finally {
            if (ours) {
              concurrent.decrementAndGet();
            }
            sends.add(new Send(start, System.nanoTime(), report));
          }
        };
    LifecycleEvents events = LifecycleEvents.listen(libvirt, PACE.queueCapacity());
    watch =
        new GuestWatch(HOST, events, new GuestReports(HOST, libvirt, sender), h -> Set.of(), PACE);
    watch.start();
  }

  private static void toggle(Domain d) throws org.libvirt.LibvirtException {
    if (d.getInfo().state == org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
      d.resume();
    } else {
      d.suspend();
    }
  }

  private List<Send> sendsOfId() {
    return sends.stream().filter(s -> s.report().instanceId().equals(id)).toList();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
