package dev.ferry.hypervisor.libvirt;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's domain lifecycle events of one connection, queued for a consumer. An event only says
 * "look at this domain": the consumer reads the domain's state itself.
 *
 * <p>The listener runs on libvirt's event-loop thread, which also runs keepalive: it never blocks.
 * It offers the event to a bounded queue; when the queue is full the event is dropped and {@link
 * #takeOverflow()} tells the consumer that only a pass over every domain catches up.
 */
public final class LifecycleEvents {

  /**
   * One lifecycle event.
   *
   * @param detail libvirt's detail (why it stopped, say), for the log
   * @param receivedNanos {@link System#nanoTime()} when libvirt delivered it
   */
  public record Event(String uuid, DomainEventType type, String detail, long receivedNanos) {}

  private static final Logger log = LoggerFactory.getLogger(LifecycleEvents.class);

  private final BlockingQueue<Event> queue;
  private final AtomicBoolean overflowed = new AtomicBoolean();
  // libvirt-java keeps its JNA callback only as long as the Connect keeps this listener: held here
  // too, so that it lives as long as the consumer does
  private final LifecycleListener listener = this::onLifecycleChange;

  private LifecycleEvents(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * Listens on the connection's libvirt now and after every reconnect (a new connection starts
   * without listeners). When libvirt is away now, the listener waits for the next connection;
   * meanwhile only a full pass sees changes.
   */
  public static LifecycleEvents listen(LibvirtConnection connection, int capacity) {
    LifecycleEvents events = new LifecycleEvents(capacity);
    try {
      connection.onEveryOpen(
          new LibvirtConnection.OpenHook() {
            @Override
            public void opened(Connect connect) throws LibvirtException {
              events.registerOn(connect);
            }

            @Override
            public void closing(Connect connect) throws LibvirtException {
              connect.removeLifecycleListener(events.listener);
            }
          });
    } catch (LibvirtException | RuntimeException e) {
      log.warn("no lifecycle events from libvirt at {} yet: {}", connection.uri(), e.toString());
    }
    return events;
  }

  /** Adds the listener to {@code connect}; on a fresh connection, events may have been missed. */
  private void registerOn(Connect connect) throws LibvirtException {
    connect.addLifecycleListener(listener);
    overflowed.set(true); // whatever happened while no listener was registered is unknown
  }

  /** The next event, waiting at most {@code timeout}; null when none came. */
  public Event poll(Duration timeout) throws InterruptedException {
    return queue.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
  }

  /**
   * True once after events were dropped (or may have been missed on a new connection): the consumer
   * then looks at every domain.
   */
  public boolean takeOverflow() {
    return overflowed.getAndSet(false);
  }

  private int onLifecycleChange(Domain domain, DomainEvent event) {
    try {
      // the UUID is held by the client-side domain object: no call to libvirtd
      String uuid = domain.getUUIDString();
      Object detail = event.getDetail();
      Event e =
          new Event(
              uuid,
              event.getType(),
              String.valueOf(detail).toLowerCase(Locale.ROOT),
              System.nanoTime());
      if (!queue.offer(e)) {
        overflowed.set(true);
      }
    } catch (LibvirtException | RuntimeException e) {
      overflowed.set(true); // this event is lost: a full pass finds what it was about
    }
    return 0;
  }
}
