package dev.ferry.e2e;

import static dev.ferry.e2e.CatalogueCase.refused;
import static dev.ferry.model.FerryRejection.Reason.DUPLICATE_NAME;
import static dev.ferry.model.FerryRejection.Reason.HOST_IN_USE;
import static dev.ferry.model.FerryRejection.Reason.HOST_UNAVAILABLE;
import static dev.ferry.model.FerryRejection.Reason.INSTANCE_BUSY;
import static dev.ferry.model.FerryRejection.Reason.INSUFFICIENT_CAPACITY;
import static dev.ferry.model.FerryRejection.Reason.INVALID_ARGUMENT;
import static dev.ferry.model.FerryRejection.Reason.INVALID_STATE;
import static dev.ferry.model.FerryRejection.Reason.NOTHING_PENDING;
import static dev.ferry.model.FerryRejection.Reason.NOT_CONFIGURED;
import static dev.ferry.model.FerryRejection.Reason.SAME_HOST;
import static dev.ferry.model.FerryRejection.Reason.UNKNOWN_FLAVOR;
import static dev.ferry.model.FerryRejection.Reason.UNKNOWN_HOST;
import static dev.ferry.model.FerryRejection.Reason.UNKNOWN_INSTANCE;
import static dev.ferry.model.ServerAction.PAUSE;
import static dev.ferry.model.ServerAction.REBOOT;
import static dev.ferry.model.ServerAction.RESET_STATE;
import static dev.ferry.model.ServerAction.RESUME;
import static dev.ferry.model.ServerAction.START;
import static dev.ferry.model.ServerAction.STOP;
import static dev.ferry.model.ServerAction.UNPAUSE;

import dev.ferry.client.ActionsClient;
import dev.ferry.client.EvacuationClient;
import dev.ferry.client.FerryClient;
import dev.ferry.client.HostsClient;
import dev.ferry.client.LiveMigrationClient;
import dev.ferry.client.MigrationQuery;
import dev.ferry.client.MovesClient;
import dev.ferry.client.ResizeClient;
import dev.ferry.client.ServersClient;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.Names;
import dev.ferry.model.VmState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The client-API rows of the bad-input catalogue, by topic, against the cluster {@link
 * BadInputCatalogueIT} sets up (servers act, shrink, stp, pau, err, vr and src0..src3; h3 forced
 * down, h2 UP and enabled).
 */
final class CatalogueCases {
  /** A well-formed id no server or move has. */
  static final String UNKNOWN_ID = "0b5c3a52-7d0e-4b8e-9a4f-2f7e0c1d9e11";

  /** Shaped like an id without being one. */
  static final String MALFORMED_ID = "6f1c2d3e-12-4a-8b-9";

  static final Duration WAIT = Duration.ofMinutes(3);

  private final FerryClient ferry;
  private final ServersClient servers;
  private final ResizeClient resizes;
  private final LiveMigrationClient live;
  private final EvacuationClient evac;
  private final ActionsClient actions;
  private final MovesClient moves;
  private final HostsClient hosts;

  CatalogueCases(FerryClient ferry) {
    this.ferry = ferry;
    this.servers = ferry.servers();
    this.resizes = ferry.resizes();
    this.live = ferry.live();
    this.evac = ferry.evacuation();
    this.actions = ferry.actions();
    this.moves = ferry.moves();
    this.hosts = ferry.hosts();
  }

  /** Every row, in the order they run. */
  List<CatalogueCase> all() {
    return Stream.of(
            ids(),
            names(),
            sizes(),
            flavors(),
            badHosts(),
            durations(),
            liveOptions(),
            moveStates(),
            nothingPending(),
            actionStates())
        .flatMap(List::stream)
        .toList();
  }

  /** Malformed and unknown server and move ids. */
  List<CatalogueCase> ids() {
    return List.of(
        refused("show a malformed id", INVALID_ARGUMENT, () -> servers.get(MALFORMED_ID)),
        refused("show an unknown id", UNKNOWN_INSTANCE, () -> servers.get(UNKNOWN_ID)),
        refused(
            "migrate an unknown id",
            UNKNOWN_INSTANCE,
            () -> resizes.migrate(UNKNOWN_ID, "h2", null)),
        refused(
            "migration show of a malformed move id",
            INVALID_ARGUMENT,
            () -> moves.get("move:not-a-uuid")),
        refused(
            "migration show of an unknown move id",
            UNKNOWN_INSTANCE,
            () -> moves.get("move:" + UNKNOWN_ID)),
        refused("migration show of an unknown id", UNKNOWN_INSTANCE, () -> moves.get(UNKNOWN_ID)),
        refused(
            "await the checks of a malformed move id",
            INVALID_ARGUMENT,
            () -> live.awaitChecks("not-a-uuid", Duration.ofSeconds(5))),
        refused(
            "evacuation details of a malformed move id",
            INVALID_ARGUMENT,
            () -> evac.details("move:12345")));
  }

  /** Invalid, unknown and taken server names. */
  List<CatalogueCase> names() {
    return List.of(
        refused(
            "create with an invalid name",
            INVALID_ARGUMENT,
            () -> servers.create("bad name!", "m1.tiny", "h1", WAIT)),
        refused(
            "create with a name shaped like an id",
            INVALID_ARGUMENT,
            () -> servers.create("6f1c2d3e-1234-4abc", "m1.tiny", "h1", WAIT)),
        refused(
            "create with a name taken",
            DUPLICATE_NAME,
            () -> servers.create("act", "m1.tiny", "h1", WAIT)),
        refused("show an invalid name", INVALID_ARGUMENT, () -> servers.get("bad name!")),
        refused(
            "migrate an unknown server",
            UNKNOWN_INSTANCE,
            () -> resizes.migrate("no-such-server", "h2", null)),
        refused(
            "stop an unknown server",
            UNKNOWN_INSTANCE,
            () -> actions.start("no-such-server", STOP)),
        refused(
            "delete an unknown server", UNKNOWN_INSTANCE, () -> servers.delete("no-such-server")),
        refused(
            "adopt a domain named like an id",
            INVALID_ARGUMENT,
            () -> servers.adopt("h1", UNKNOWN_ID)));
  }

  /** Sizes and counts out of range. */
  List<CatalogueCase> sizes() {
    return List.of(
        refused(
            "create with a disk larger than the flavor's (30 GiB on m1.small's 20 GB)",
            INVALID_ARGUMENT,
            () -> servers.create("big1", "m1.small", "h1", WAIT, 30 * 1024, false)),
        refused(
            "create with a negative disk size",
            INVALID_ARGUMENT,
            () -> servers.create("neg1", "m1.tiny", "h1", WAIT, -1, false)),
        refused(
            "evacuate a host with concurrency 0",
            INVALID_ARGUMENT,
            () -> evac.evacuateHost("h3", 0, null)),
        refused("drain a host with concurrency 0", INVALID_ARGUMENT, () -> evac.drainHost("h1", 0)),
        refused(
            "list migrations with limit 0",
            INVALID_ARGUMENT,
            () -> moves.list(MigrationQuery.all().withLimit(0))));
  }

  /** Unknown flavors, the same flavor, a smaller disk. */
  List<CatalogueCase> flavors() {
    return List.of(
        refused(
            "resize to an unknown flavor",
            UNKNOWN_FLAVOR,
            () -> resizes.resize("act", "m9.huge", "h2", null)),
        refused(
            "resize to the same flavor",
            INVALID_ARGUMENT,
            () -> resizes.resize("act", "m1.small", "h2", null)),
        refused(
            "resize to a flavor with a smaller disk (m1.small to m1.tiny)",
            INVALID_ARGUMENT,
            () -> resizes.resize("shrink", "m1.tiny", "h2", null)),
        refused(
            "create with an unknown flavor",
            UNKNOWN_FLAVOR,
            () -> servers.create("x1", "m9.huge", "h1", WAIT)));
  }

  /** Unknown, same, forced-down, full and UP hosts where they cannot be. */
  List<CatalogueCase> badHosts() {
    return List.of(
        refused(
            "migrate to an unknown host",
            UNKNOWN_HOST,
            () -> resizes.migrate("act", "nowhere", null)),
        refused("migrate to its own host", SAME_HOST, () -> resizes.migrate("act", "h1", null)),
        refused("live-migrate to its own host", SAME_HOST, () -> live.migrate("act", "h1", null)),
        refused(
            "live-migrate to an unknown host",
            UNKNOWN_HOST,
            () -> live.migrate("act", "nowhere", null)),
        refused(
            "migrate to a forced-down host",
            HOST_UNAVAILABLE,
            () -> resizes.migrate("act", "h3", null)),
        refused(
            "live-migrate to a forced-down host",
            HOST_UNAVAILABLE,
            () -> live.migrate("act", "h3", null)),
        refused(
            "resize onto a forced-down host",
            HOST_UNAVAILABLE,
            () -> resizes.resize("act", "m1.medium", "h3", null)),
        refused(
            "create on a forced-down host",
            HOST_UNAVAILABLE,
            () -> servers.create("x2", "m1.tiny", "h3", WAIT)),
        refused(
            "resize beyond the destination's free memory",
            INSUFFICIENT_CAPACITY,
            () -> resizes.resize("act", "m1.xlarge", "h2", null)),
        refused(
            "migrate off a forced-down host",
            HOST_UNAVAILABLE,
            () -> resizes.migrate("src1", "h1", null)),
        refused(
            "live-migrate off a forced-down host",
            HOST_UNAVAILABLE,
            () -> live.migrate("src2", "h1", null)),
        refused(
            "resize off a forced-down host",
            HOST_UNAVAILABLE,
            () -> resizes.resize("src3", "m1.small", "h1", null)),
        refused(
            "evacuate a server off an UP host",
            HOST_IN_USE,
            () -> evac.evacuate("act", null, null)),
        refused("evacuate an UP host", HOST_IN_USE, () -> evac.evacuateHost("h1", 1, null)),
        refused(
            "evacuate a server onto its failed host",
            SAME_HOST,
            () -> evac.evacuate("src0", "h3", null)),
        refused(
            "evacuate a server onto an unknown host",
            UNKNOWN_HOST,
            () -> evac.evacuate("src0", "nowhere", null)),
        refused(
            "evacuate a host onto an unknown host",
            UNKNOWN_HOST,
            () -> evac.evacuateHost("h3", 1, null, "nowhere")),
        refused(
            "evacuate with an unknown fencing method",
            INVALID_ARGUMENT,
            () -> evac.evacuate("src0", null, "bogus-fence")),
        refused(
            "evacuate by libvirt-destroy, which cannot reach a test-driver host",
            NOT_CONFIGURED,
            () -> evac.evacuate("src0", null, "libvirt-destroy")),
        refused(
            "evacuate by ipmi with no BMC configured for the host",
            NOT_CONFIGURED,
            () -> evac.evacuate("src0", "h2", "ipmi")),
        refused("drain a forced-down host", HOST_UNAVAILABLE, () -> evac.drainHost("h3", 1)),
        refused("show an unknown host", UNKNOWN_HOST, () -> hosts.get("nowhere")),
        refused("disable an unknown host", UNKNOWN_HOST, () -> hosts.disable("nowhere", "x")),
        refused(
            "force down an invalid host name",
            INVALID_ARGUMENT,
            () -> hosts.forceDown("bad host!")));
  }

  /** Negative and zero durations. */
  List<CatalogueCase> durations() {
    return List.of(
        refused(
            "migrate with a negative confirm window",
            INVALID_ARGUMENT,
            () -> resizes.migrate("act", "h2", Duration.ofSeconds(-5))),
        refused(
            "confirm with a zero wait timeout",
            INVALID_ARGUMENT,
            () -> resizes.confirm("vr", Duration.ZERO)),
        refused(
            "create with a zero timeout",
            INVALID_ARGUMENT,
            () -> servers.create("x3", "m1.tiny", "h1", Duration.ZERO)),
        refused(
            "await a move with a zero timeout",
            INVALID_ARGUMENT,
            () -> moves.await(UNKNOWN_ID, Set.of(), Duration.ZERO)));
  }

  /** Live-migration options out of range. */
  List<CatalogueCase> liveOptions() {
    return List.of(
        refused(
            "live-migrate with max downtime 0",
            INVALID_ARGUMENT,
            () -> live.migrate("act", "h2", options(null, 0L, null, null))),
        refused(
            "live-migrate with a negative bandwidth",
            INVALID_ARGUMENT,
            () -> live.migrate("act", "h2", options(-1L, null, null, null))),
        refused(
            "live-migrate with negative max retries",
            INVALID_ARGUMENT,
            () -> live.migrate("act", "h2", options(null, null, -1, null))),
        refused(
            "live-migrate with a zero queue timeout",
            INVALID_ARGUMENT,
            () -> live.migrate("act", "h2", options(null, null, null, 0L))));
  }

  /** Moves in states they are refused in (Nova's check_instance_state), and a busy server. */
  List<CatalogueCase> moveStates() {
    return List.of(
        refused("migrate a PAUSED server", INVALID_STATE, () -> resizes.migrate("pau", "h2", null)),
        refused(
            "resize a PAUSED server",
            INVALID_STATE,
            () -> resizes.resize("pau", "m1.small", "h2", null)),
        refused("migrate an ERROR server", INVALID_STATE, () -> resizes.migrate("err", "h2", null)),
        refused(
            "live-migrate a STOPPED server", INVALID_STATE, () -> live.migrate("stp", "h2", null)),
        refused(
            "live-migrate an ERROR server", INVALID_STATE, () -> live.migrate("err", "h2", null)),
        refused("evacuate a PAUSED server", INVALID_STATE, () -> evac.evacuate("pau", null, null)),
        refused(
            "migrate a server in VERIFY_RESIZE",
            INSTANCE_BUSY,
            () -> resizes.migrate("vr", "h1", null)),
        refused(
            "resize a server in VERIFY_RESIZE",
            INSTANCE_BUSY,
            () -> resizes.resize("vr", "m1.small", null, null)),
        refused(
            "live-migrate a server in VERIFY_RESIZE",
            INSTANCE_BUSY,
            () -> live.migrate("vr", null, null)),
        refused(
            "evacuate a server in VERIFY_RESIZE",
            INSTANCE_BUSY,
            () -> evac.evacuate("vr", null, null)),
        refused(
            "the instance's own delete while a move holds it",
            INSTANCE_BUSY,
            () ->
                ferry
                    .workflowClient()
                    .newWorkflowStub(
                        InstanceWorkflow.class, Names.instanceWorkflowId(servers.get("vr").id))
                    .delete()));
  }

  /** Decisions and aborts with nothing to decide or abort. */
  List<CatalogueCase> nothingPending() {
    return List.of(
        refused("confirm with nothing pending", NOTHING_PENDING, () -> resizes.confirm("act")),
        refused("revert with nothing pending", NOTHING_PENDING, () -> resizes.revert("stp")),
        refused(
            "cancel a migration with nothing pending",
            NOTHING_PENDING,
            () -> resizes.cancel("act", Duration.ofSeconds(30))),
        refused("abort a live migration that is not", NOTHING_PENDING, () -> live.abort("act")),
        refused("force-complete a cold migration", NOTHING_PENDING, () -> live.forceComplete("vr")),
        refused("migration show of a never-moved server", NOTHING_PENDING, () -> moves.get("act")));
  }

  /** Server actions in states they are refused in. */
  List<CatalogueCase> actionStates() {
    return List.of(
        refused("pause a PAUSED server", INVALID_STATE, () -> actions.start("pau", PAUSE)),
        refused("start an ACTIVE server", INVALID_STATE, () -> actions.start("act", START)),
        refused("stop a STOPPED server", INVALID_STATE, () -> actions.start("stp", STOP)),
        refused("unpause an ACTIVE server", INVALID_STATE, () -> actions.start("act", UNPAUSE)),
        refused("resume an ACTIVE server", INVALID_STATE, () -> actions.start("act", RESUME)),
        refused("reboot a STOPPED server", INVALID_STATE, () -> actions.start("stp", REBOOT)),
        refused("start an ERROR server", INVALID_STATE, () -> actions.start("err", START)),
        refused("stop a server in VERIFY_RESIZE", INSTANCE_BUSY, () -> actions.start("vr", STOP)),
        refused(
            "stop a server on a forced-down host",
            HOST_UNAVAILABLE,
            () -> actions.start("src0", STOP)),
        refused(
            "start reset-state as an action",
            INVALID_ARGUMENT,
            () -> actions.start("act", RESET_STATE)),
        refused(
            "reset the state of a server in VERIFY_RESIZE",
            INSTANCE_BUSY,
            () -> actions.resetState("vr", VmState.ERROR)),
        refused(
            "reset the state to STOPPED",
            INVALID_ARGUMENT,
            () -> actions.resetState("act", VmState.STOPPED)));
  }

  private static LiveMigrationOptions options(
      Long bandwidth, Long maxDowntimeMs, Integer maxRetries, Long queueTimeout) {
    return new LiveMigrationOptions(
        null, bandwidth, maxDowntimeMs, null, null, null, null, null, maxRetries, queueTimeout);
  }
}
