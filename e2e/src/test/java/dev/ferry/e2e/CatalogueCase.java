package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.cli.ExitStatus;
import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryFailure;
import dev.ferry.client.Rejections;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DynamicTest;

/**
 * One row of the bad-input catalogue: a request that must be refused with {@link #expected}, and
 * change nothing. A client case calls the client API from the test JVM; a CLI case runs the {@code
 * ferry} process and checks its exit status.
 */
record CatalogueCase(String name, Reason expected, Call call) {

  /** A client call; what it returns only matters when it was wrongly accepted. */
  @FunctionalInterface
  interface Call {
    Object run() throws Exception;
  }

  /** How long a wrongly accepted request gets to stop changing things before the next case. */
  private static final Duration SETTLE = Duration.ofSeconds(60);

  static CatalogueCase refused(String name, Reason expected, Call call) {
    return new CatalogueCase(name, expected, call);
  }

  DynamicTest test(FerryClient ferry) {
    return DynamicTest.dynamicTest(name, () -> check(ferry));
  }

  /**
   * Runs the call between two snapshots; fails with every problem at once: not refused, refused for
   * another reason or with another exit status than {@code ExitStatus.of(expected)}, or something
   * changed.
   */
  private void check(FerryClient ferry) {
    CatalogueSnapshot before = CatalogueSnapshot.take(ferry);
    Object accepted = null;
    Throwable thrown = null;
    try {
      accepted = call.run();
    } catch (Throwable t) {
      thrown = t;
    }
    List<String> problems = new ArrayList<>();
    Optional<FerryRejection> rejection =
        thrown == null ? Optional.empty() : Rejections.find(thrown);
    if (thrown == null) {
      problems.add("accepted, answered " + accepted);
    } else if (rejection.isEmpty()) {
      problems.add(
          (thrown instanceof FerryFailure ? "accepted, then failed: " : "not a refusal: ")
              + thrown);
    } else {
      FerryRejection r = rejection.get();
      if (r.reason() != expected) {
        problems.add("refused as " + r.reason() + " (" + r.getMessage() + ")");
      }
      if (ExitStatus.of(thrown) != ExitStatus.of(expected)) {
        problems.add(
            "the CLI would exit " + ExitStatus.of(thrown) + ", not " + ExitStatus.of(expected));
      }
    }
    problems.addAll(changes(ferry, before, thrown == null || rejection.isEmpty()));
    report(name + " (expected " + expected + ")", problems);
  }

  /**
   * Runs {@code ferry ARGS} between two snapshots: it must exit {@code status} and change nothing.
   */
  static DynamicTest cli(
      FerryCluster cluster, FerryClient ferry, String name, int status, String... args) {
    return DynamicTest.dynamicTest(
        name,
        () -> {
          CatalogueSnapshot before = CatalogueSnapshot.take(ferry);
          Processes.Result r = cluster.ferry(args);
          List<String> problems = new ArrayList<>();
          if (r.exitCode() != status) {
            problems.add("exit " + r.exitCode() + ", not " + status + ": " + r.all().strip());
          }
          if (r.exitCode() != 0 && !r.stderr().startsWith("ferry: error: ")) {
            problems.add("no one-line reason on stderr: " + r.all().strip());
          }
          problems.addAll(changes(ferry, before, r.exitCode() == 0));
          report("ferry " + String.join(" ", args) + " (" + name + ")", problems);
        });
  }

  /**
   * What changed since {@code before}. When something did, or the request was accepted, waits for
   * it to stop changing first, so the next case starts from a still cluster.
   */
  private static List<String> changes(
      FerryClient ferry, CatalogueSnapshot before, boolean accepted) {
    CatalogueSnapshot after = CatalogueSnapshot.take(ferry);
    List<String> changed = before.differences(after);
    if (accepted || !changed.isEmpty()) {
      after = CatalogueSnapshot.settled(ferry, Duration.ofSeconds(2), SETTLE);
      changed = before.differences(after);
    }
    return changed.stream().map(c -> "changed " + c).toList();
  }

  /** Fails with every problem, and prints it so a run's log lists every failing case. */
  private static void report(String title, List<String> problems) {
    if (problems.isEmpty()) {
      return;
    }
    String text = title + ": " + String.join("\n  ", problems);
    System.out.println("[catalogue] FAIL " + text);
    fail(text);
  }
}
