package dev.ferry.e2e.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Wall-clock timings of the suite's set-up, steps and scenarios, reported at the end. */
final class Timings {
  private final Map<String, Long> started = new HashMap<>();
  private final List<String> lines = new ArrayList<>();

  synchronized void start(String name) {
    started.put(name, System.nanoTime());
  }

  synchronized void stop(String name) {
    Long t0 = started.remove(name);
    if (t0 != null) {
      record(name, System.nanoTime() - t0);
    }
  }

  void time(String name, Runnable step) {
    time(
        name,
        () -> {
          step.run();
          return null;
        });
  }

  <T> T time(String name, Supplier<T> step) {
    long t0 = System.nanoTime();
    try {
      return step.get();
    } finally {
      record(name, System.nanoTime() - t0);
    }
  }

  synchronized void record(String name, long nanos) {
    String line = String.format(Locale.ROOT, "%8.1f s  %s", nanos / 1e9, name);
    lines.add(line);
    BedChecks.log("took " + line.trim());
  }

  /** A figure that is no duration of a step (e.g. a latency a scenario measured). */
  synchronized void note(String line) {
    lines.add("          " + line);
  }

  synchronized void report(Path file) {
    StringBuilder out = new StringBuilder("Real test bed suite timings (wall clock):\n");
    lines.forEach(l -> out.append(l).append('\n'));
    System.out.print(out);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, out.toString());
    } catch (IOException e) {
      BedChecks.log("cannot write " + file + ": " + e.getMessage());
    }
  }
}
