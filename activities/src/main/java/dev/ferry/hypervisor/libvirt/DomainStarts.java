package dev.ferry.hypervisor.libvirt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this agent booted each domain, by UUID: libvirt does not say when a guest started, and one
 * started moments ago is still booting and cannot act on ACPI yet. Kept in memory only: a restarted
 * agent remembers no start. Thread-safe (activities run concurrently).
 */
final class DomainStarts {

  private final Clock clock;
  private final Map<String, Instant> started = new ConcurrentHashMap<>();

  DomainStarts(Clock clock) {
    this.clock = clock;
  }

  /** This agent has just booted the domain. */
  void booted(String uuid) {
    started.put(uuid, clock.instant());
  }

  /** The domain stopped or went: its start is no longer news. */
  void forget(String uuid) {
    started.remove(uuid);
  }

  /** How long ago this agent booted the domain; empty when it did not, or forgot. */
  Optional<Duration> since(String uuid) {
    Instant at = started.get(uuid);
    return at == null ? Optional.empty() : Optional.of(Duration.between(at, clock.instant()));
  }
}
