package dev.ferry.hypervisor.libvirt;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libvirt connection of one host agent, shared by its concurrently running activities.
 *
 * <p>A {@code test:///} URI keeps ONE connection for the agent's whole life: the mock host's state
 * lives in that connection and dies with it. Any other URI is a real libvirtd: when the connection
 * is lost (close callback, a failed call on a dead connection, or the periodic liveness check) it
 * is marked unavailable and re-opened with backoff; meanwhile {@link #isHealthy()} is false and
 * calls fail with the retryable {@link LibvirtUnavailableException}. A call that may write ({@link
 * #call}) first asks the {@link WriteGate} (an agent's lease).
 */
public final class LibvirtConnection implements AutoCloseable {

  /**
   * How a connection to a real libvirtd is opened, watched and re-established.
   *
   * @param openTimeout opening a URI that does not answer fails after this long
   * @param keepAliveIntervalSeconds libvirt keepalive: a hung daemon is dropped after interval x
   *     count seconds
   */
  public record Options(
      Duration openTimeout,
      Duration healthCheckInterval,
      Duration initialBackoff,
      Duration maxBackoff,
      int keepAliveIntervalSeconds,
      int keepAliveCount) {

    public static final Options DEFAULTS =
        new Options(
            Duration.ofSeconds(15),
            Duration.ofSeconds(1),
            Duration.ofMillis(250),
            Duration.ofSeconds(5),
            2,
            3);
  }

  /** Opens a libvirt connection; a seam so tests can simulate a daemon coming and going. */
  @FunctionalInterface
  interface Connector {
    Connect open(String uri) throws LibvirtException;
  }

  /** Set-up run on every freshly opened libvirt connection (event listeners, say). */
  @FunctionalInterface
  public interface OpenHook {
    void opened(Connect connect) throws LibvirtException;

    /**
     * Undoes {@link #opened} before the connection is closed. An event callback left registered
     * keeps a closed connection alive inside libvirt and is still called, after its Java side may
     * have been collected: a crash in the event loop.
     */
    default void closing(Connect connect) throws LibvirtException {}
  }

  private static final Logger log = LoggerFactory.getLogger(LibvirtConnection.class);

  // libvirt's default handler prints every error to stderr; errors still arrive as exceptions.
  // Kept in a field: JNA does not keep callbacks alive, and libvirt-java does not either.
  private static final Libvirt.VirErrorCallback SILENT_ERRORS = (userData, error) -> {};

  static {
    try {
      Connect.setErrorCallback(SILENT_ERRORS);
    } catch (LibvirtException e) {
      log.warn("cannot silence libvirt's error output", e);
    }
  }

  private final String uri;
  private final boolean reconnects;
  private final Options options;
  private final Connector connector;
  // calls share the read lock; swapping or closing the Connect takes the write lock, so a Connect
  // is never closed under a running call
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Object wakeup = new Object();
  // held while hooks are added and while a fresh connection gets them: none is missed
  private final Object hooksLock = new Object();
  private final List<OpenHook> hooks = new CopyOnWriteArrayList<>();
  private final Thread monitor;
  private volatile Connect current;
  private volatile boolean healthy;
  private volatile boolean closed;
  private volatile String lostReason;
  private volatile WriteGate writeGate = WriteGate.OPEN;

  /**
   * Opens {@code uri}, failing fast (with a message naming the URI) when it cannot be reached.
   *
   * @throws LibvirtUnavailableException when libvirt at {@code uri} does not answer
   */
  public static LibvirtConnection open(String uri) {
    return open(uri, Options.DEFAULTS);
  }

  public static LibvirtConnection open(String uri, Options options) {
    // domain events, close callbacks and keepalive need it, before the first open
    LibvirtEventLoop.start();
    return new LibvirtConnection(uri, !isTestDriver(uri), options, Connect::new);
  }

  LibvirtConnection(String uri, boolean reconnects, Options options, Connector connector) {
    this.uri = uri;
    this.reconnects = reconnects;
    this.options = options;
    this.connector = connector;
    this.current = openWithinTimeout();
    this.healthy = true;
    if (reconnects) {
      monitor = new Thread(this::watch, "libvirt-monitor " + uri);
      monitor.setDaemon(true);
      monitor.start();
    } else {
      monitor = null;
    }
  }

  public static boolean isTestDriver(String uri) {
    return uri.startsWith("test:");
  }

  public String uri() {
    return uri;
  }

  /** False while the connection is lost (and being re-established) or closed. */
  public boolean isHealthy() {
    return healthy && !closed;
  }

  /** From now on, every {@link #call} first asks {@code gate}. */
  public void gateWrites(WriteGate gate) {
    this.writeGate = gate;
  }

  /**
   * Runs {@code call}, which may write, with the current connection, once the {@link WriteGate}
   * allows it. Calls run concurrently (libvirt connections are thread-safe).
   *
   * @throws LibvirtUnavailableException when libvirt is unreachable, the call failed because the
   *     connection died under it, or the gate refused a write now
   * @throws LibvirtException libvirt's answer to the call, connection alive
   */
  public <T> T call(LibvirtCall<T> call) throws LibvirtException {
    return run(call, true);
  }

  /** As {@link #call}, for a call that only reads (defines no pool either): never gated. */
  public <T> T read(LibvirtCall<T> call) throws LibvirtException {
    return run(call, false);
  }

  private <T> T run(LibvirtCall<T> call, boolean writes) throws LibvirtException {
    lock.readLock().lock();
    try {
      Connect connect = current;
      if (!isHealthy() || connect == null) {
        throw unavailable(null);
      }
      if (writes) {
        writeGate.checkWrite(); // last thing before the call: no write starts past the gate
      }
      try {
        return call.apply(connect);
      } catch (LibvirtException e) {
        if (reconnects && !isAlive(connect)) {
          connectionLost(connect, e.getMessage());
          throw unavailable(e);
        }
        throw e;
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Runs {@code hook} on the current connection now and on every connection opened after a lost one
   * (a fresh libvirt connection has none of the old one's registrations). A hook failing on a fresh
   * connection is logged; the connection is used all the same.
   *
   * @throws LibvirtException when it fails on the current connection (it still runs on the next)
   */
  public void onEveryOpen(OpenHook hook) throws LibvirtException {
    synchronized (hooksLock) {
      hooks.add(hook);
      read( // event callbacks and the like: nothing on the host changes
          c -> {
            hook.opened(c);
            return null;
          });
    }
  }

  @Override
  public void close() {
    closed = true;
    healthy = false;
    wake();
    if (monitor != null) {
      monitor.interrupt();
    }
    Connect last;
    lock.writeLock().lock();
    try {
      last = current;
      current = null;
    } finally {
      lock.writeLock().unlock();
    }
    release(last);
  }

  private LibvirtUnavailableException unavailable(LibvirtException cause) {
    String reason = closed ? "the connection is closed" : lostReason;
    return new LibvirtUnavailableException(
        "libvirt at "
            + uri
            + " is unavailable"
            + (reason == null ? "" : ": " + reason)
            + (reconnects && !closed ? " (reconnecting)" : ""),
        cause);
  }

  private void connectionLost(Connect which, String reason) {
    if (which != current || !healthy || closed) {
      return; // already known, or about a connection we replaced
    }
    lostReason = reason;
    healthy = false;
    log.warn("lost the libvirt connection to {}: {}; reconnecting", uri, reason);
    wake();
  }

  /** The monitor thread: checks liveness while healthy, reconnects with backoff while not. */
  private void watch() {
    Duration backoff = options.initialBackoff();
    while (!closed) {
      if (healthy) {
        pause(options.healthCheckInterval(), true);
        Connect connect = current;
        if (!closed && healthy && !isAlive(connect)) {
          connectionLost(connect, "the connection is no longer alive");
        }
        continue;
      }
      try {
        synchronized (hooksLock) {
          Connect fresh = openWithinTimeout();
          runHooks(fresh);
          replace(fresh);
        }
        backoff = options.initialBackoff();
        log.info("reconnected to libvirt at {}", uri);
      } catch (LibvirtUnavailableException e) {
        log.debug("still cannot reach libvirt at {}: {}", uri, e.getMessage());
        pause(backoff, false);
        backoff = min(backoff.multipliedBy(2), options.maxBackoff());
      }
    }
  }

  private void runHooks(Connect fresh) {
    for (OpenHook hook : hooks) {
      try {
        hook.opened(fresh);
      } catch (LibvirtException | RuntimeException e) {
        log.warn("set-up of the new libvirt connection to {} failed: {}", uri, e.toString());
      }
    }
  }

  private void replace(Connect fresh) {
    Connect old;
    lock.writeLock().lock();
    try {
      if (closed) {
        old = fresh;
      } else {
        old = current;
        current = fresh;
        lostReason = null;
        healthy = true;
      }
    } finally {
      lock.writeLock().unlock();
    }
    release(old);
  }

  /** Closes a connection that was handed out, once every hook has undone its set-up on it. */
  private void release(Connect connect) {
    if (connect == null) {
      return;
    }
    for (OpenHook hook : hooks) {
      try {
        hook.closing(connect);
      } catch (LibvirtException | RuntimeException e) {
        log.debug("undoing a hook on {} before closing it: {}", uri, e.toString());
      }
    }
    closeQuietly(connect);
  }

  /** Opens the URI on a helper thread: libvirt has no connect timeout of its own. */
  private Connect openWithinTimeout() {
    CompletableFuture<Connect> opened = new CompletableFuture<>();
    Thread opener =
        new Thread(
            () -> {
              try {
                opened.complete(prepare(connector.open(uri)));
              } catch (Throwable t) {
                opened.completeExceptionally(t);
              }
            },
            "libvirt-open " + uri);
    opener.setDaemon(true);
    opener.start();
    try {
      return opened.get(options.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      opened.thenAccept(LibvirtConnection::closeQuietly); // if it ever answers
      throw new LibvirtUnavailableException(
          "cannot connect to libvirt at " + uri + ": no answer within " + options.openTimeout(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new LibvirtUnavailableException(
          "cannot connect to libvirt at " + uri + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      opened.thenAccept(LibvirtConnection::closeQuietly);
      throw new LibvirtUnavailableException("interrupted while connecting to libvirt at " + uri, e);
    }
  }

  private Connect prepare(Connect connect) {
    if (!reconnects) {
      return connect;
    }
    try {
      connect.setKeepAlive(options.keepAliveIntervalSeconds(), options.keepAliveCount());
      connect.registerCloseListener(
          (closedConnect, reason) ->
              connectionLost(connect, "libvirt closed the connection (" + reason + ")"));
    } catch (LibvirtException e) {
      log.warn("no keepalive/close callback on {}: {}", uri, e.getMessage());
    }
    return connect;
  }

  private static boolean isAlive(Connect connect) {
    try {
      return connect != null && connect.isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  private static void closeQuietly(Connect connect) {
    if (connect == null) {
      return;
    }
    try {
      connect.unregisterCloseListener();
    } catch (LibvirtException | RuntimeException ignored) {
      // none registered, or the connection is already dead
    }
    try {
      connect.close();
    } catch (LibvirtException | RuntimeException ignored) {
      // closing a dead connection: nothing left to release
    }
  }

  /** Sleeps, waking early when the health flag leaves {@code whileHealthy} or on close. */
  private void pause(Duration duration, boolean whileHealthy) {
    synchronized (wakeup) {
      if (closed || healthy != whileHealthy) {
        return;
      }
      try {
        wakeup.wait(Math.max(1, duration.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // only close() interrupts: the loop ends
      }
    }
  }

  private void wake() {
    synchronized (wakeup) {
      wakeup.notifyAll();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
