package dev.ferry.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a timeout, capturing its output. */
final class Processes {
  private Processes() {}

  /** What a finished command said. */
  record Result(int exitCode, String stdout, String stderr, Duration took) {
    String all() {
      return stdout + stderr;
    }
  }

  static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    long start = System.nanoTime();
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      Path err = java.nio.file.Files.createTempFile("ferry-e2e", ".err");
      builder.redirectError(err.toFile());
      Process process = builder.start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out after " + timeout + ": " + command);
      }
      String stderr = java.nio.file.Files.readString(err);
      java.nio.file.Files.deleteIfExists(err);
      return new Result(
          process.exitValue(), out, stderr, Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
