package dev.ferry.e2e.testbed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One test-bed suite's world: its own bed (state directory and namespace prefix, so suites and a
 * developer's bed can run side by side), Ferry on it through scripts/cluster.sh, and the checks
 * over both. Set up and torn down the same way by every suite, each step timed.
 */
final class BedSuite {
  final Testbed bed;
  final TestbedFerry ferry;
  final BedChecks checks;
  private final Timings timings;

  private BedSuite(Testbed bed, TestbedFerry ferry, Timings timings) {
    this.bed = bed;
    this.ferry = ferry;
    this.checks = new BedChecks(bed, ferry);
    this.timings = timings;
  }

  /**
   * Installs what is missing, builds the guest, starts the hosts and Ferry (engine, conductor, one
   * agent per host with {@code agentEnv}). Skips (or, under CI, fails) when not root.
   *
   * @param dir the bed's state directory; {@code FERRY_E2E_<envKey>_TB} overrides it
   * @param namespacePrefix its namespaces' prefix; {@code FERRY_E2E_<envKey>_TB_NS} overrides it
   */
  static BedSuite up(
      String envKey,
      String dir,
      String namespacePrefix,
      List<String> hosts,
      Map<String, String> agentEnv,
      Timings timings) {
    BedChecks.requireRootOrSkip();
    timings.start("total");
    Testbed bed =
        new Testbed(
            Path.of(BedChecks.env("FERRY_E2E_" + envKey + "TB", dir)),
            BedChecks.env("FERRY_E2E_" + envKey + "TB_NS", namespacePrefix),
            hosts);
    BedChecks.log(
        "test bed in " + bed.dir() + " (namespaces " + bed.env().get("FERRY_TB_NS") + "-*)");
    timings.time("setup: install.sh", () -> bed.script(Duration.ofMinutes(10), "install.sh"));
    timings.time(
        "setup: guest-build.sh", () -> bed.script(Duration.ofMinutes(5), "guest-build.sh"));
    timings.time("setup: hosts-up.sh (" + hosts.size() + " hosts)", bed::hostsUp);
    BedSuite suite = new BedSuite(bed, new TestbedFerry(bed, agentEnv), timings);
    timings.time(
        "setup: cluster.sh up (engine, conductor, " + hosts.size() + " agents)", suite.ferry::up);
    return suite;
  }

  /** Tears down what {@link #up} started (unless FERRY_TESTBED_KEEP=1) and writes the timings. */
  void down(String timingsFile) {
    if ("1".equals(System.getenv("FERRY_TESTBED_KEEP"))) {
      BedChecks.log(
          "FERRY_TESTBED_KEEP=1: leaving the cluster (port " + ferry.port() + ") and hosts up");
    } else {
      timings.time(
          "teardown: cluster.sh down + hosts-down.sh",
          () -> {
            ferry.close();
            bed.hostsDown();
          });
    }
    timings.stop("total");
    timings.report(Testbed.ROOT.resolve("e2e/target/" + timingsFile));
  }
}
