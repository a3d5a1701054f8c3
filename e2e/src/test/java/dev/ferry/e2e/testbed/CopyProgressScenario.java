package dev.ferry.e2e.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A cold migration shows its disk copy as it goes (bytes, rate, time left in {@code migration show}
 * and in {@code migrate --wait}'s lines), and {@code migration cancel} stops the copy within two
 * seconds: measured in the move's own history, from the cancel's request to the copy's end.
 */
final class CopyProgressScenario {
  /** How long a cancel may take to stop the running step. */
  static final Duration CANCEL_BOUND = Duration.ofSeconds(2);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Testbed bed;
  private final TestbedFerry ferry;
  private final Timings timings;

  CopyProgressScenario(Testbed bed, TestbedFerry ferry, Timings timings) {
    this.bed = bed;
    this.ferry = ferry;
    this.timings = timings;
  }

  /** Server {@code name} (id {@code id}, host-local disk) runs on {@code from}; it stays there. */
  void run(String name, String id, String from, String to) throws Exception {
    CompletableFuture<Cmd.Result> waiting =
        CompletableFuture.supplyAsync(
            () -> ferry.ferry("migrate", name, "--host", to, "--confirm-window", "0", "--wait"));
    JsonNode shown = awaitCopying(name, waiting);
    String moveId = shown.get("moveId").asText();
    JsonNode step = shown.get("step");
    long copied = step.get("copiedBytes").asLong();
    long total = step.get("totalBytes").asLong();
    assertTrue(copied > 0 && copied < total, "caught mid-copy: " + step);
    assertTrue(step.get("bytesPerSecond").asLong() > 0, step::toString);
    assertFalse(step.get("etaSeconds").isNull(), "a time left: " + step);
    assertTrue(
        step.get("line").asText().startsWith("copying the disk from " + from + " to " + to + ": "),
        step::toString);
    assertEquals(copied, shown.get("disk_processed_bytes").asLong(), shown::toString);
    assertEquals(total, shown.get("disk_total_bytes").asLong(), shown::toString);
    assertEquals("t1.nano", shown.get("old_flavor").asText(), shown::toString);
    assertEquals("t1.nano", shown.get("new_flavor").asText(), shown::toString);
    assertFalse(shown.get("user_id").asText().isEmpty(), shown::toString);
    timings.note("copy seen by migration show: " + step.get("line").asText());

    Cmd.Result cancel =
        timings.time("migration cancel (mid-copy)", () -> ferry.ferry("migration", "cancel", name));
    cancel.expectOk();
    Cmd.Result followed = waiting.get(2, TimeUnit.MINUTES);
    assertNotEquals(0, followed.exitCode(), "the followed move was cancelled:\n" + followed.all());
    assertTrue(
        followed.stdout().contains("copying the disk from " + from + " to " + to + ": "),
        "--wait showed the copy:\n" + followed.all());
    assertTrue(followed.stdout().contains(" MiB/s"), followed::all);
    assertTrue(followed.stdout().contains("status: cancelled"), followed::all);

    Duration stopped = copyStoppedAfterCancel(moveId);
    timings.note("cancel to the copy's end (history): " + stopped.toMillis() + " ms");
    assertTrue(
        stopped.compareTo(CANCEL_BOUND) <= 0,
        "the copy stopped " + stopped.toMillis() + " ms after the cancel was requested");

    JsonNode after = ferry.server(name);
    assertEquals("ACTIVE", after.get("vmState").asText(), after::toString);
    assertEquals(from, after.get("host").asText(), after::toString);
    assertEquals("running", bed.domState(from, id), "the compensation restarted it");
    assertFalse(
        bed.storageFiles().contains(to + ":" + id + ".qcow2"), "the partial copy was deleted");
  }

  /** Polls {@code migration show} until the disk copy has heartbeat its first bytes. */
  private JsonNode awaitCopying(String name, CompletableFuture<Cmd.Result> waiting) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      if (waiting.isDone()) {
        throw new AssertionError(
            "the move ended before its copy was seen: " + waiting.join().all());
      }
      Cmd.Result r = ferry.jsonCommand("migration", "show", name);
      if (r.ok()) {
        last = TestbedFerry.parseJson(r);
        JsonNode step = last.path("step");
        if ("DiskCopyDisk".equals(step.path("activityType").asText())
            && step.path("copiedBytes").asLong() > 0) {
          return last;
        }
      }
    }
    throw new AssertionError("no disk copy seen in 2 minutes; last: " + last);
  }

  /**
   * From the move's history: the time between the copy's cancel request and its canceled event
   * (recorded once the agent's copy has stopped and deleted its partial volume).
   */
  private Duration copyStoppedAfterCancel(String moveId) throws IOException {
    Path file = Files.createTempFile("ferry-move-", ".json");
    try {
      ferry.ferry("history", "export", "move:" + moveId, "-o", file.toString()).expectOk();
      JsonNode events = JSON.readTree(file.toFile()).get("events");
      Map<Long, String> scheduled = new HashMap<>();
      Instant requested = null;
      Instant canceled = null;
      for (JsonNode e : events) {
        String type = e.get("eventType").asText();
        long eventId = e.get("eventId").asLong();
        Instant at = Instant.parse(e.get("eventTime").asText());
        switch (type) {
          case "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" ->
              scheduled.put(
                  eventId,
                  e.get("activityTaskScheduledEventAttributes")
                      .get("activityType")
                      .get("name")
                      .asText());
          case "EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED" -> {
            long of =
                e.get("activityTaskCancelRequestedEventAttributes")
                    .get("scheduledEventId")
                    .asLong();
            if ("DiskCopyDisk".equals(scheduled.get(of))) {
              requested = at;
            }
          }
          case "EVENT_TYPE_ACTIVITY_TASK_CANCELED" -> {
            long of = e.get("activityTaskCanceledEventAttributes").get("scheduledEventId").asLong();
            if ("DiskCopyDisk".equals(scheduled.get(of))) {
              canceled = at;
            }
          }
          default -> {}
        }
      }
      assertTrue(requested != null && canceled != null, "the copy was cancelled: " + events);
      return Duration.between(requested, canceled);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
