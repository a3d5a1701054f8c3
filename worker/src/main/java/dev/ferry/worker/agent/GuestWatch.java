package dev.ferry.worker.agent;

import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LifecycleEvents;
import dev.ferry.model.Claim;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.placement.PlacementWorkflow;
import dev.ferry.placement.PlacementWorkflowImpl;
import dev.ferry.worker.agent.GuestReports.Verdict;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.libvirt.event.DomainEventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the instance records of a host's guests at what its libvirt says (Nova's power-state sync,
 * driven by libvirt's lifecycle events). An event only says which domain to look at: the domain is
 * read and its state reported ({@link GuestReports}). A stop is read after a debounce (a reboot is
 * a stop then a start). A report refused because a move holds the instance is asked again every
 * {@code deferredRecheck} until the move closes; one that could not be sent is tried again with a
 * backoff; at most one report per instance is under way. A full pass over every domain, and every
 * instance placement puts on this host (a vanished domain is MISSING), runs at start, every {@code
 * fullPassEvery} and when events were lost.
 */
public final class GuestWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GuestWatch.class);

  /**
   * How the watch paces itself.
   *
   * @param debounce a stop is read this long after its event: a reboot is over by then
   * @param deferredRecheck a report a move refused is sent again this often
   * @param retryFirst a report that could not be read or sent is tried again after this, doubling
   *     up to {@code retryMax}
   * @param queueCapacity events queued beyond this are dropped and a full pass catches up
   */
  public record Settings(
      Duration debounce,
      Duration deferredRecheck,
      Duration fullPassEvery,
      Duration retryFirst,
      Duration retryMax,
      int queueCapacity) {

    public static final Settings DEFAULTS =
        new Settings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            1024);
  }

  /** The instances placement's claims put on a host; throws when placement cannot be read. */
  @FunctionalInterface
  interface Claims {
    Set<String> instancesOn(String host);
  }

  /**
   * When a domain is read next, and what asked for it (for the log).
   *
   * @param event true when a lifecycle event asked (a full pass otherwise): its time is the one the
   *     latency counts from
   */
  private record Due(long atNanos, long sinceNanos, String cause, boolean event, int failures) {}

  /** The longest the watch thread waits for an event before it looks at due reads again. */
  private static final Duration TICK = Duration.ofMillis(100);

  private final String host;
  private final LifecycleEvents events;
  private final GuestReports reports;
  private final Claims claims;
  private final Settings settings;
  private final Map<String, Due> pending = new ConcurrentHashMap<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<String> deferred = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean fullPassRunning = new AtomicBoolean();
  private final ExecutorService reporters;
  private final Thread watcher;
  private volatile boolean closed;
  private long nextFullPassNanos;

  GuestWatch(
      String host, LifecycleEvents events, GuestReports reports, Claims claims, Settings settings) {
    this.host = host;
    this.events = events;
    this.reports = reports;
    this.claims = claims;
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.reporters =
        Executors.newFixedThreadPool(2, r -> daemon(r, "guest-report-" + n.incrementAndGet()));
    this.watcher = daemon(this::run, "guest-watch " + host);
  }

  /**
   * Listens to the agent's libvirt (again after each reconnect) and starts watching; the first full
   * pass runs at once.
   */
  public static GuestWatch start(
      String host, LibvirtConnection libvirt, WorkflowClient client, Settings settings) {
    LifecycleEvents events = LifecycleEvents.listen(libvirt, settings.queueCapacity());
    GuestReports reports = new GuestReports(host, libvirt, GuestReports.through(client));
    GuestWatch watch = new GuestWatch(host, events, reports, placement(client), settings);
    watch.start();
    return watch;
  }

  void start() {
    nextFullPassNanos = System.nanoTime(); // the first pass, right away
    watcher.start();
  }

  /** A stop is read after the debounce (a reboot starts again within it); anything else at once. */
  static Duration readDelay(DomainEventType type, Duration debounce) {
    return switch (type) {
      case STOPPED, SHUTDOWN -> debounce;
      default -> Duration.ZERO;
    };
  }

  /** The wait before attempt {@code failures + 1} of a report that could not be sent. */
  static Duration backoff(int failures, Duration first, Duration max) {
    Duration wait = first.multipliedBy(1L << Math.min(failures, 20));
    return wait.compareTo(max) > 0 ? max : wait;
  }

  /** True while a move holds the instance and its report waits for the move to close. */
  boolean isDeferred(String instanceId) {
    return deferred.contains(key(instanceId));
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
    reporters.shutdownNow();
  }

  private void run() {
    while (!closed) {
      try {
        LifecycleEvents.Event event = events.poll(untilNextDue());
        for (; event != null; event = events.poll(Duration.ZERO)) {
          onEvent(event);
        }
        long now = System.nanoTime();
        if (events.takeOverflow() || now - nextFullPassNanos >= 0) {
          nextFullPassNanos = now + settings.fullPassEvery().toNanos();
          startFullPass();
        }
        dispatchDue(System.nanoTime());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("guest watch on {}: {}", host, e.toString());
      }
    }
  }

  private void onEvent(LifecycleEvents.Event event) {
    long at = event.receivedNanos() + readDelay(event.type(), settings.debounce()).toNanos();
    Due due =
        new Due(
            at, event.receivedNanos(), event.type() + " (" + event.detail() + ") event", true, 0);
    // the latest event says when to read, unless a failed send waits out its backoff (news does
    // not bring the conductor back); the latency counts from the earliest unreported event
    pending.merge(
        key(event.uuid()),
        due,
        (old, news) ->
            old.failures > 0
                ? at(Math.max(old.atNanos, news.atNanos), earliest(old, news), old.failures)
                : at(news.atNanos, earliest(old, news), 0));
  }

  private Duration untilNextDue() {
    long now = System.nanoTime();
    long wait = TICK.toNanos();
    for (Map.Entry<String, Due> e : pending.entrySet()) {
      if (!inFlight.contains(e.getKey())) {
        wait = Math.min(wait, e.getValue().atNanos - now);
      }
    }
    return Duration.ofNanos(Math.max(0, wait));
  }

  private void dispatchDue(long now) {
    for (Map.Entry<String, Due> e : pending.entrySet()) {
      String uuid = e.getKey();
      Due due = e.getValue();
      if (due.atNanos - now > 0 || inFlight.contains(uuid) || !pending.remove(uuid, due)) {
        continue;
      }
      inFlight.add(uuid);
      reporters.execute(() -> report(uuid, due));
    }
  }

  private void report(String uuid, Due due) {
    Verdict verdict;
    try {
      verdict = reports.report(uuid, due.cause, due.sinceNanos);
    } catch (RuntimeException e) {
      log.warn("report of {} on {} failed: {}", uuid, host, e.toString());
      verdict = Verdict.RETRY;
    }
    long now = System.nanoTime();
    switch (verdict) {
      case DEFERRED -> {
        deferred.add(uuid);
        askAgain(uuid, due, now + settings.deferredRecheck().toNanos(), due.failures);
      }
      case RETRY -> {
        Duration wait = backoff(due.failures, settings.retryFirst(), settings.retryMax());
        askAgain(uuid, due, now + wait.toNanos(), due.failures + 1);
      }
      case APPLIED, DROPPED -> deferred.remove(uuid);
    }
    inFlight.remove(uuid);
  }

  /**
   * An event that came meanwhile is read no earlier than the wait says (the instance's move or the
   * conductor's absence outlasts it); the report's age is kept.
   */
  private void askAgain(String uuid, Due due, long atNanos, int failures) {
    Due again = at(atNanos, due, failures);
    pending.merge(
        uuid,
        again,
        (news, retry) ->
            at(Math.max(news.atNanos, retry.atNanos), earliest(news, retry), failures));
  }

  private void startFullPass() {
    if (!fullPassRunning.compareAndSet(false, true)) {
      return;
    }
    reporters.execute(
        () -> {
          try {
            fullPass();
          } finally {
            fullPassRunning.set(false);
          }
        });
  }

  /**
   * Every domain of the host and every instance placement puts here (its domain may have vanished)
   * is read; one already due keeps its time (a stop in its debounce stays there).
   */
  private void fullPass() {
    Set<String> ids = new LinkedHashSet<>();
    try {
      reports.domainUuids().forEach(uuid -> ids.add(key(uuid)));
    } catch (Exception e) {
      log.debug("full pass on {}: libvirt not listed: {}", host, e.toString());
    }
    try {
      claims.instancesOn(host).forEach(id -> ids.add(key(id)));
    } catch (RuntimeException e) {
      log.debug("full pass on {}: placement not read: {}", host, e.toString());
    }
    long now = System.nanoTime();
    for (String id : ids) {
      pending.putIfAbsent(id, new Due(now, now, "full pass", false, 0));
    }
  }

  /** The instances whose claim placement holds on {@code host}. */
  static Claims placement(WorkflowClient client) {
    return host -> {
      PlacementView view =
          client.newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID).view();
      Map<String, Claim> byConsumer = new HashMap<>();
      if (view.claims() != null) {
        view.claims().forEach(c -> byConsumer.put(c.consumerId(), c));
      }
      Set<String> here = new LinkedHashSet<>();
      for (String id : view.instances() == null ? Set.<String>of() : view.instances().keySet()) {
        Claim claim = byConsumer.get(PlacementWorkflowImpl.instanceConsumer(id));
        if (claim != null && host.equals(claim.host())) {
          here.add(id);
        }
      }
      return here;
    };
  }

  private static Due at(long atNanos, Due origin, int failures) {
    return new Due(atNanos, origin.sinceNanos, origin.cause, origin.event, failures);
  }

  /** The earliest event of the two (an event before a full pass, which only looks). */
  private static Due earliest(Due a, Due b) {
    if (a.event != b.event) {
      return a.event ? a : b;
    }
    return a.sinceNanos - b.sinceNanos <= 0 ? a : b;
  }

  private static String key(String uuid) {
    return uuid.toLowerCase(Locale.ROOT);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
