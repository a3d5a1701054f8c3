package dev.ferry.placement;

import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView.HostUsage;
import dev.ferry.model.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Placement's decisions as pure functions of its state: shared by update validators (reject before
 * anything changes) and handlers (apply), and unit-testable without a workflow.
 */
public final class PlacementRules {
  private PlacementRules() {}

  public static List<HostUsage> usage(PlacementState state) {
    List<HostUsage> out = new ArrayList<>();
    for (HostSummary host : state.hosts.values()) {
      Resources used = Resources.NONE;
      for (Claim c : state.claims.values()) {
        if (c.host().equals(host.name())) {
          used = used.plus(c.resources());
        }
      }
      Resources capacity = host.inventory() == null ? Resources.NONE : host.inventory().capacity();
      out.add(new HostUsage(host, capacity, used));
    }
    return out;
  }

  /** The host a claim would land on, or the rejection saying why none can take it. */
  public static String chooseHost(PlacementState state, ClaimRequest request) {
    requirePositive(request.resources());
    List<String> excluded = request.excludeHosts() == null ? List.of() : request.excludeHosts();
    HostSummary source = request.likeHost() == null ? null : state.hosts.get(request.likeHost());
    if (request.host() != null) {
      HostUsage usage = usageOf(state, request.host());
      if (excluded.contains(request.host())) {
        throw new FerryRejection(
            Reason.SAME_HOST,
            "host '"
                + request.host()
                + "' is excluded for this request (the source host; allowResizeToSameHost is off)");
      }
      String why = unfitReason(usage, request.resources());
      if (why != null) {
        throw new FerryRejection(reasonFor(usage, request.resources()), why);
      }
      String mismatch = usage.host().hypervisorMismatch(source);
      if (mismatch != null) {
        throw new FerryRejection(Reason.HYPERVISOR_INCOMPATIBLE, mismatch);
      }
      return request.host();
    }
    List<String> refusals = new ArrayList<>();
    HostUsage best = null;
    for (HostUsage usage : usage(state)) {
      String name = usage.host().name();
      if (excluded.contains(name)) {
        continue;
      }
      String why = unfitReason(usage, request.resources());
      if (why == null) {
        why = usage.host().hypervisorMismatch(source);
      }
      if (why != null) {
        refusals.add(why);
      } else if (best == null || MOST_FREE_MEMORY.compare(usage, best) < 0) {
        best = usage;
      }
    }
    if (best == null) {
      throw new FerryRejection(
          Reason.NO_VALID_HOST,
          "no valid host found"
              + (refusals.isEmpty() ? " (no other host is registered)" : ": " + refusals));
    }
    return best.host().name();
  }

  /** Nova's RAM weigher spreads instances: most free memory first, then by name. */
  private static final Comparator<HostUsage> MOST_FREE_MEMORY =
      Comparator.comparingInt((HostUsage u) -> -u.free().memoryMb())
          .thenComparing(u -> u.host().name());

  public static HostUsage usageOf(PlacementState state, String host) {
    for (HostUsage u : usage(state)) {
      if (u.host().name().equals(host)) {
        return u;
      }
    }
    throw new FerryRejection(
        Reason.UNKNOWN_HOST,
        "unknown host '" + host + "'; known hosts: " + String.join(", ", state.hosts.keySet()));
  }

  /** Null when the host can take {@code needs}; otherwise a sentence saying why not. */
  static String unfitReason(HostUsage usage, Resources needs) {
    HostSummary host = usage.host();
    if (host.status() != HostStatus.UP) {
      return "host '" + host.name() + "' is DOWN" + (host.forcedDown() ? " (forced down)" : "");
    }
    if (!host.enabled()) {
      return "host '" + host.name() + "' is disabled";
    }
    Resources free = usage.free();
    if (free.vcpus() < needs.vcpus()
        || free.memoryMb() < needs.memoryMb()
        || free.diskGb() < needs.diskGb()) {
      return "host '"
          + host.name()
          + "' has too little capacity: free "
          + describe(free)
          + ", needed "
          + describe(needs);
    }
    return null;
  }

  private static Reason reasonFor(HostUsage usage, Resources needs) {
    HostSummary host = usage.host();
    return host.status() != HostStatus.UP || !host.enabled()
        ? Reason.HOST_UNAVAILABLE
        : Reason.INSUFFICIENT_CAPACITY;
  }

  public static void requireNameFree(PlacementState state, String instanceId, String name) {
    for (Map.Entry<String, String> e : state.instances.entrySet()) {
      if (e.getValue().equals(name) && !e.getKey().equals(instanceId)) {
        throw new FerryRejection(
            Reason.DUPLICATE_NAME,
            "a server named '" + name + "' already exists (id " + e.getKey() + ")");
      }
    }
  }

  /**
   * A host may be forgotten (`host delete`) only while nothing is claimed on it: a server placed
   * there or a move under way to it would lose its host. A host placement does not know is
   * forgotten already (a retried call).
   */
  public static void requireForgettable(PlacementState state, String host) {
    List<String> servers = new ArrayList<>();
    int moves = 0;
    for (Claim c : state.claims.values()) {
      if (!c.host().equals(host)) {
        continue;
      }
      if (c.consumerId().startsWith(INSTANCE_CONSUMER)) {
        String id = c.consumerId().substring(INSTANCE_CONSUMER.length());
        servers.add(state.instances.getOrDefault(id, id));
      } else {
        moves++;
      }
    }
    if (servers.isEmpty() && moves == 0) {
      return;
    }
    StringBuilder why = new StringBuilder("host '" + host + "' is in use: ");
    if (!servers.isEmpty()) {
      why.append(count(servers.size(), "server"))
          .append(" on it (")
          .append(String.join(", ", servers))
          .append(")");
    }
    if (moves > 0) {
      why.append(servers.isEmpty() ? "" : " and ").append(count(moves, "move")).append(" to it");
    }
    why.append(
        "; move its servers away first ('ferry migrate SERVER' or 'ferry live-migrate SERVER',"
            + " or 'ferry host evacuate "
            + host
            + "' for a host that is gone) and let the moves end");
    throw new FerryRejection(Reason.HOST_IN_USE, why.toString());
  }

  /** A server's claim is keyed by its workflow id: {@code instance:<id>}. */
  private static final String INSTANCE_CONSUMER = Names.instanceWorkflowId("");

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static void requirePositive(Resources r) {
    if (r == null || r.vcpus() < 0 || r.memoryMb() < 0 || r.diskGb() < 0) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "invalid resources " + r);
    }
  }

  private static String describe(Resources r) {
    return r.vcpus() + " vCPU, " + r.memoryMb() + " MiB, " + r.diskGb() + " GiB";
  }
}
