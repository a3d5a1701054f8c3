package dev.ferry.e2e;

import static dev.ferry.e2e.CatalogueCase.refused;
import static dev.ferry.model.FerryRejection.Reason.HOST_UNAVAILABLE;
import static dev.ferry.model.FerryRejection.Reason.NO_VALID_HOST;
import static dev.ferry.model.ServerAction.PAUSE;
import static dev.ferry.model.ServerAction.STOP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryClientOptions;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.ServerAction;
import dev.ferry.model.VmState;
import dev.ferry.resize.ResizeStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The bad-input catalogue: every request a user can get wrong, on one cluster of libvirt test:///
 * hosts behind the embedded engine, each refused with its typed reason and the exit status the CLI
 * gives it, and each leaving every server, host, claim and move as it was.
 *
 * <p>The cluster, set up once: h1 UP with servers act and shrink (m1.small, ACTIVE), stp (STOPPED),
 * pau (PAUSED) and err (ERROR, by reset-state); vr cold-migrated from h1 to h2 with confirm window
 * 0, parked in VERIFY_RESIZE; h3 forced down with src0..src3 (m1.tiny) on it, one per case that
 * could start a move from it. h2 is enabled for the first table and disabled for the second.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCatalogueIT {
  private static final Duration WAIT = CatalogueCases.WAIT;
  private static final String UNKNOWN_ID = CatalogueCases.UNKNOWN_ID;
  private static final String MALFORMED_ID = CatalogueCases.MALFORMED_ID;

  /** The CLI's exit statuses as they are to be: 2 usage, 3 not found, 4 conflict, 5 invalid. */
  private static final int USAGE = 2;

  private static final int NOT_FOUND = 3;
  private static final int CONFLICT = 4;
  private static final int INVALID = 5;

  private static FerryCluster cluster;
  private static FerryClient ferry;

  @BeforeAll
  static void up() {
    cluster = new FerryCluster();
    cluster.up("h1", "h2", "h3");
    ferry =
        FerryClient.connect(
            FerryClientOptions.defaults().withTarget("localhost:" + cluster.port()));
    create("act", "m1.small", "h1");
    create("shrink", "m1.small", "h1");
    create("stp", "m1.tiny", "h1");
    act("stp", STOP, VmState.STOPPED);
    create("pau", "m1.tiny", "h1");
    act("pau", PAUSE, VmState.PAUSED);
    create("err", "m1.tiny", "h1");
    assertEquals(VmState.ERROR, ferry.actions().resetState("err", VmState.ERROR).vmState);
    create("vr", "m1.tiny", "h1");
    parkInVerifyResize("vr", "h2");
    for (int i = 0; i <= 3; i++) {
      create("src" + i, "m1.tiny", "h3");
    }
    assertTrue(ferry.hosts().forceDown("h3").forcedDown);
    // visibility takes each move's status a moment after the workflow upserts it
    CatalogueSnapshot.settled(ferry, Duration.ofSeconds(2), Duration.ofSeconds(60));
  }

  @AfterAll
  static void down() {
    if (ferry != null) {
      ferry.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void create(String name, String flavor, String host) {
    InstanceRecord r = ferry.servers().create(name, flavor, host, WAIT);
    assertEquals(VmState.ACTIVE, r.vmState, r::toString);
  }

  private static void act(String server, ServerAction action, VmState leaves) {
    var done = ferry.actions().await(ferry.actions().start(server, action), WAIT);
    assertTrue(done.succeeded(), done::toString);
    assertEquals(leaves, ferry.servers().get(server).vmState);
  }

  private static void parkInVerifyResize(String server, String dest) {
    String moveId = ferry.resizes().migrate(server, dest, Duration.ZERO);
    ferry.moves().await(moveId, Set.of(ResizeStatus.FINISHED.novaName()), WAIT);
    long deadline = System.nanoTime() + WAIT.toNanos();
    InstanceRecord r = ferry.servers().get(server);
    while (!(r.vmState == VmState.RESIZED
        && ResizeStatus.FINISHED.novaName().equals(r.currentMoveStatus))) {
      assertTrue(System.nanoTime() < deadline, () -> server + " never parked");
      FerryCluster.sleep(Duration.ofMillis(500));
      r = ferry.servers().get(server);
    }
  }

  private static Stream<DynamicTest> tests(List<CatalogueCase> cases) {
    return cases.stream().map(c -> c.test(ferry));
  }

  /** Every refusal that needs no disabled host: h2 is UP and enabled, h3 forced down. */
  @TestFactory
  @Order(1)
  Stream<DynamicTest> withH2UpAndH3ForcedDown() {
    return tests(new CatalogueCases(ferry).all());
  }

  /** Refusals of a disabled destination: h2 disabled, h3 still forced down. */
  @TestFactory
  @Order(2)
  Stream<DynamicTest> withH2Disabled() {
    assertFalse(ferry.hosts().disable("h2", "catalogue").enabled);
    CatalogueSnapshot.settled(ferry, Duration.ofSeconds(1), Duration.ofSeconds(30));
    var resizes = ferry.resizes();
    var live = ferry.live();
    var evac = ferry.evacuation();
    return tests(
        List.of(
            refused(
                "migrate to a disabled host",
                HOST_UNAVAILABLE,
                () -> resizes.migrate("act", "h2", null)),
            refused(
                "live-migrate to a disabled host",
                HOST_UNAVAILABLE,
                () -> live.migrate("act", "h2", null)),
            refused(
                "resize onto a disabled host",
                HOST_UNAVAILABLE,
                () -> resizes.resize("act", "m1.medium", "h2", null)),
            refused(
                "create on a disabled host",
                HOST_UNAVAILABLE,
                () -> ferry.servers().create("x4", "m1.tiny", "h2", WAIT)),
            refused(
                "migrate with every other host disabled or down",
                NO_VALID_HOST,
                () -> resizes.migrate("act", null, null)),
            refused(
                "evacuate a server onto a disabled host",
                HOST_UNAVAILABLE,
                () -> evac.evacuate("src0", "h2", null)),
            refused(
                "evacuate a host onto a disabled host",
                HOST_UNAVAILABLE,
                () -> evac.evacuateHost("h3", 1, null, "h2"))));
  }

  /** The same refusals through the `ferry` process: its exit status and one-line reason. */
  @TestFactory
  @Order(3)
  Stream<DynamicTest> throughTheCli() {
    return Stream.of(
        CatalogueCase.cli(cluster, ferry, "malformed id", INVALID, "server", "show", MALFORMED_ID),
        CatalogueCase.cli(
            cluster, ferry, "unknown id", NOT_FOUND, "migrate", UNKNOWN_ID, "--host", "h1"),
        CatalogueCase.cli(
            cluster, ferry, "PAUSED server", CONFLICT, "migrate", "pau", "--host", "h1"),
        CatalogueCase.cli(
            cluster,
            ferry,
            "negative confirm window (parse error)",
            USAGE,
            "migrate",
            "act",
            "--host",
            "h1",
            "--confirm-window=-5s"),
        CatalogueCase.cli(
            cluster,
            ferry,
            "max downtime 0",
            INVALID,
            "live-migrate",
            "act",
            "--host",
            "h1",
            "--max-downtime",
            "0"),
        CatalogueCase.cli(
            cluster,
            ferry,
            "zero wait timeout",
            INVALID,
            "resize-confirm",
            "vr",
            "--wait",
            "--wait-timeout",
            "0"),
        CatalogueCase.cli(
            cluster,
            ferry,
            "disk larger than the flavor's",
            INVALID,
            "server",
            "create",
            "--name",
            "big2",
            "--flavor",
            "m1.small",
            "--host",
            "h1",
            "--disk-size",
            "30G"));
  }
}
