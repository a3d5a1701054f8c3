package dev.ferry.e2e.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion (stdin closed, a timeout), capturing its output. */
final class Cmd {
  private Cmd() {}

  record Result(List<String> command, int exitCode, String stdout, String stderr, Duration took) {
    boolean ok() {
      return exitCode == 0;
    }

    String all() {
      return "$ " + String.join(" ", command) + "\n(exit " + exitCode + ")\n" + stdout + stderr;
    }

    Result expectOk() {
      if (exitCode != 0) {
        throw new AssertionError("expected success:\n" + all());
      }
      return this;
    }
  }

  static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    long start = System.nanoTime();
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("ferry-tb", ".out");
      err = Files.createTempFile("ferry-tb", ".err");
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      builder.redirectOutput(out.toFile());
      builder.redirectError(err.toFile());
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(
            "timed out after "
                + timeout
                + ": "
                + String.join(" ", command)
                + "\n"
                + Files.readString(out, StandardCharsets.UTF_8)
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(
          command,
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file
      }
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
