package dev.ferry.model;

/** A compute service's liveness: UP while its agent holds a lease. */
public enum HostStatus {
  UP,
  DOWN
}
