package dev.ferry.hypervisor.libvirt;

import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, run once per process on a daemon thread. Domain event callbacks,
 * connection close callbacks and client-side keepalive only work while it runs, and it must be
 * registered before the connections that rely on it are opened (the test driver's too: it queues
 * its domain events on this loop).
 */
final class LibvirtEventLoop {
  private static final Logger log = LoggerFactory.getLogger(LibvirtEventLoop.class);
  private static boolean started;

  private LibvirtEventLoop() {}

  static synchronized void start() {
    if (started) {
      return;
    }
    try {
      Library.initEventLoop();
    } catch (LibvirtException e) {
      throw new IllegalStateException("cannot initialise libvirt's event loop", e);
    }
    Thread loop = new Thread(LibvirtEventLoop::run, "libvirt-event-loop");
    loop.setDaemon(true);
    loop.start();
    started = true;
  }

  private static void run() {
    while (true) {
      try {
        Library.runEventLoop();
      } catch (InterruptedException e) {
        return;
      } catch (LibvirtException | RuntimeException e) {
        log.warn("libvirt event loop iteration failed; continuing", e);
        try {
          Thread.sleep(100); // never spin on a persistent failure
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }
}
