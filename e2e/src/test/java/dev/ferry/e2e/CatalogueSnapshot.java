package dev.ferry.e2e;

import dev.ferry.client.FerryClient;
import dev.ferry.client.MigrationListing;
import dev.ferry.client.MigrationQuery;
import dev.ferry.model.ActionSummary;
import dev.ferry.model.Claim;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.PowerState;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a refused request must leave as it was, read through the client API: every server
 * record, every host record, placement's claims and name index, and the moves Temporal's visibility
 * store lists. No command lists a host's libvirt domains beyond the record's unmanaged ones ({@code
 * ferry host show}), so those stand for them.
 */
record CatalogueSnapshot(
    Map<String, Server> servers,
    Map<String, Host> hosts,
    List<String> claims,
    Map<String, String> index,
    List<String> moves) {

  /** What a server record says, as `ferry server show` does. */
  record Server(
      String name,
      VmState vmState,
      TaskState taskState,
      PowerState powerState,
      String host,
      String flavor,
      long epoch,
      String lastError,
      String currentMoveId,
      String currentMoveStatus,
      String currentActionId,
      List<MoveSummary> moves,
      List<ActionSummary> actions) {

    static Server of(InstanceRecord r) {
      return new Server(
          r.name,
          r.vmState,
          r.taskState,
          r.powerState,
          r.host,
          r.flavor == null ? null : r.flavor.name(),
          r.epoch,
          r.lastError,
          r.currentMoveId,
          r.currentMoveStatus,
          r.currentActionId,
          List.copyOf(Objects.requireNonNullElse(r.moves, List.of())),
          List.copyOf(Objects.requireNonNullElse(r.actions, List.of())));
    }
  }

  /** What a host record says, as `ferry host show` does (the unmanaged domains included). */
  record Host(
      HostStatus status,
      boolean enabled,
      String disabledReason,
      boolean forcedDown,
      List<CleanupItem> cleanup,
      List<String> unmanagedDomains,
      List<String> slotHolders,
      List<String> slotQueue) {

    static Host of(HostRecord r) {
      return new Host(
          r.status,
          r.enabled,
          r.disabledReason,
          r.forcedDown,
          List.copyOf(Objects.requireNonNullElse(r.cleanup, List.of())),
          List.copyOf(new TreeSet<>(Objects.requireNonNullElse(r.unmanagedDomains, List.of()))),
          List.copyOf(Objects.requireNonNullElse(r.slotHolders, List.of())),
          List.copyOf(Objects.requireNonNullElse(r.slotQueue, List.of())));
    }
  }

  static CatalogueSnapshot take(FerryClient ferry) {
    Map<String, Server> servers = new TreeMap<>();
    for (InstanceRecord r : ferry.servers().list()) {
      servers.put(r.id, Server.of(r));
    }
    Map<String, Host> hosts = new TreeMap<>();
    for (HostRecord r : ferry.hosts().list()) {
      hosts.put(r.name, Host.of(r));
    }
    var placement = ferry.hosts().placement();
    List<String> claims = new ArrayList<>();
    for (Claim c : Objects.requireNonNullElse(placement.claims(), List.<Claim>of())) {
      claims.add(c.consumerId() + " on " + c.host() + " " + c.resources());
    }
    claims.sort(Comparator.naturalOrder());
    List<String> moves = new ArrayList<>();
    for (MigrationListing m :
        ferry.moves().list(MigrationQuery.all().withLimit(MigrationQuery.MAX_LIMIT))) {
      moves.add(m.moveId() + " " + m.type() + " " + m.status());
    }
    moves.sort(Comparator.naturalOrder());
    return new CatalogueSnapshot(
        servers,
        hosts,
        claims,
        new TreeMap<>(Objects.requireNonNullElse(placement.instances(), Map.of())),
        moves);
  }

  /**
   * Takes snapshots until two in a row, {@code gap} apart, are equal (what a wrongly accepted
   * request started has ended or stopped changing), or {@code timeout} has passed; returns the
   * last.
   */
  static CatalogueSnapshot settled(FerryClient ferry, Duration gap, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    CatalogueSnapshot last = take(ferry);
    while (System.nanoTime() < deadline) {
      FerryCluster.sleep(gap);
      CatalogueSnapshot now = take(ferry);
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /** What differs from {@code after}, one line per server, host or list; empty when nothing. */
  List<String> differences(CatalogueSnapshot after) {
    List<String> out = new ArrayList<>();
    diff("server", servers, after.servers, out);
    diff("host", hosts, after.hosts, out);
    listDiff("placement claims", claims, after.claims, out);
    listDiff(
        "placement's server index",
        index.entrySet().stream().map(Object::toString).toList(),
        after.index.entrySet().stream().map(Object::toString).toList(),
        out);
    listDiff("moves (visibility)", moves, after.moves, out);
    return out;
  }

  /** What a list gained and lost, without repeating what it kept. */
  private static void listDiff(
      String what, List<String> before, List<String> after, List<String> out) {
    if (before.equals(after)) {
      return;
    }
    List<String> lost = new ArrayList<>(before);
    lost.removeAll(after);
    List<String> gained = new ArrayList<>(after);
    gained.removeAll(before);
    out.add(what + ": gained " + gained + ", lost " + lost);
  }

  private static <V> void diff(
      String kind, Map<String, V> before, Map<String, V> after, List<String> out) {
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String k : keys) {
      V b = before.get(k);
      V a = after.get(k);
      if (!Objects.equals(b, a)) {
        out.add(kind + " " + k + ":\n    before " + b + "\n    after  " + a);
      }
    }
  }
}
