package dev.ferry.client;

import static dev.ferry.client.ClientContext.unknownHost;
import static dev.ferry.client.Inputs.nullToEmpty;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostSummary;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.PlacementView.HostUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Hosts and placement ({@code ferry host ...}): placement's view, host records with capacity and
 * usage, enable/disable and forced-down. Obtained from {@link FerryClient#hosts()}.
 */
public final class HostsClient {
  private final ClientContext ctx;

  HostsClient(ClientContext ctx) {
    this.ctx = ctx;
  }

  /** Placement's view: hosts with capacity and usage, claims, the instance index, settings. */
  public PlacementView placement() {
    return ctx.call("query placement", () -> ctx.placementStub().view(), ctx::placementMissing);
  }

  /** Every host placement knows, with its HostWorkflow record, sorted by name. */
  public List<HostRecord> list() {
    return listings().stream().map(HostListing::record).toList();
  }

  /** Every host with its record, capacity and usage, sorted by name. */
  public List<HostListing> listings() {
    PlacementView view = placement();
    List<HostListing> out = new ArrayList<>();
    for (HostUsage u : nullToEmpty(view.hosts())) {
      String name = u.host().name();
      HostRecord record;
      try {
        record = record(name);
      } catch (FerryRejection r) {
        if (r.reason() != Reason.UNKNOWN_HOST) {
          throw r;
        }
        record = fromSummary(u.host()); // placement knows it, its entity is gone
      }
      out.add(new HostListing(record, u.capacity(), u.used()));
    }
    out.sort(Comparator.comparing(h -> h.record().name));
    return out;
  }

  /** One host's record ({@code host:<name>}); a deleted host is unknown. */
  public HostRecord get(String name) {
    Names.requireValidName("host", name);
    HostRecord record = record(name);
    if (record.retired) {
      throw unknownHost(name); // its ended run still answers the query
    }
    return record;
  }

  private HostRecord record(String name) {
    return ctx.call("query host " + name, () -> ctx.hostStub(name).get(), () -> unknownHost(name));
  }

  /**
   * {@code ferry host delete}: a host that registered once and is gone for good. Placement forgets
   * it and its workflow ends; an agent registering under its name later brings it back anew.
   *
   * @throws FerryRejection UNKNOWN_HOST; HOST_IN_USE (nothing changed) while its agent runs, a
   *     server is on it or a move under way to it, it owes clean-ups or a live migration holds one
   *     of its slots
   */
  public void delete(String name) {
    get(name); // a host deleted already is unknown
    ctx.call(
        "delete host " + name,
        () -> {
          ctx.hostStub(name).retire();
          return null;
        },
        () -> unknownHost(name));
  }

  /** One host with placement's capacity and usage (null when placement does not know it). */
  public HostListing listing(String name) {
    HostRecord record = get(name);
    Optional<HostUsage> usage = PlacementRules.findHost(placement(), name);
    return new HostListing(
        record,
        usage.map(HostUsage::capacity).orElse(null),
        usage.map(HostUsage::used).orElse(null));
  }

  public HostRecord enable(String name) {
    Names.requireValidName("host", name);
    return ctx.call(
        "enable host " + name,
        () -> ctx.hostStub(name).setEnabled(true, null),
        () -> unknownHost(name));
  }

  public HostRecord disable(String name, String reason) {
    Names.requireValidName("host", name);
    return ctx.call(
        "disable host " + name,
        () -> ctx.hostStub(name).setEnabled(false, reason),
        () -> unknownHost(name));
  }

  /** Marks a host forced down (it counts as DOWN until {@link #unsetForceDown}), as Nova. */
  public HostRecord forceDown(String name) {
    Names.requireValidName("host", name);
    return ctx.call(
        "force host " + name + " down",
        () -> ctx.hostStub(name).setForcedDown(true),
        () -> unknownHost(name));
  }

  public HostRecord unsetForceDown(String name) {
    Names.requireValidName("host", name);
    return ctx.call(
        "unset forced-down of host " + name,
        () -> ctx.hostStub(name).setForcedDown(false),
        () -> unknownHost(name));
  }

  /**
   * Sends the host's failed cleanup items to its agent again ({@code ferry host cleanup --retry});
   * the host's own AUTO disable is lifted until one fails again.
   */
  public HostRecord retryCleanup(String name) {
    Names.requireValidName("host", name);
    return ctx.call(
        "retry the cleanup of host " + name,
        () -> ctx.hostStub(name).retryCleanup(),
        () -> unknownHost(name));
  }

  /**
   * Takes an item off the host's cleanup list without carrying it out ({@code ferry host cleanup
   * --drop}): for a stale copy removed by hand, or a host rebuilt.
   *
   * @throws FerryRejection INVALID_ARGUMENT when the host owes no such item (nothing changes)
   */
  public HostRecord dropCleanup(String name, String itemId) {
    Names.requireValidName("host", name);
    return ctx.call(
        "drop cleanup item " + itemId + " of host " + name,
        () -> ctx.hostStub(name).dropCleanup(itemId),
        () -> unknownHost(name));
  }

  /**
   * A destination the caller named: refused when placement does not know it or it is down, forced
   * down or disabled.
   */
  void requireUsableDestination(String name) {
    PlacementRules.requireUsable(
        PlacementRules.findHost(placement(), name).orElseThrow(() -> unknownHost(name)));
  }

  private static HostRecord fromSummary(HostSummary s) {
    HostRecord r = new HostRecord();
    r.name = s.name();
    r.status = s.status();
    r.enabled = s.enabled();
    r.forcedDown = s.forcedDown();
    r.inventory = s.inventory();
    return r;
  }
}
