package dev.ferry.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.action.ServerActionWorkflowImpl;
import dev.ferry.evacuate.EvacuationWorkflowImpl;
import dev.ferry.evacuate.HostDrainWorkflowImpl;
import dev.ferry.evacuate.HostEvacuationWorkflowImpl;
import dev.ferry.host.HostWorkflowImpl;
import dev.ferry.instance.AdoptionWorkflowImpl;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.live.LiveMigrationWorkflowImpl;
import dev.ferry.move.SearchAttributeNames;
import dev.ferry.placement.PlacementWorkflowImpl;
import dev.ferry.resize.ResizeWorkflowImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.metadata.POJOWorkflowImplMetadata;
import io.temporal.common.metadata.POJOWorkflowMethodMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The replay corpus: histories recorded from real runs by {@code scripts/record-histories.sh},
 * listed in {@code histories/index.tsv} (file, workflow id, workflow type, open/closed, categories,
 * what it shows, when and from which commit it was recorded).
 */
final class Corpus {

  /**
   * Today's implementation of every workflow type the corpus may hold: the classes the conductor
   * registers. A new workflow goes here when its first history enters the corpus.
   */
  static final List<Class<?>> IMPLEMENTATIONS =
      List.of(
          PlacementWorkflowImpl.class,
          HostWorkflowImpl.class,
          InstanceWorkflowImpl.class,
          AdoptionWorkflowImpl.class,
          ServerActionWorkflowImpl.class,
          ResizeWorkflowImpl.class,
          LiveMigrationWorkflowImpl.class,
          EvacuationWorkflowImpl.class,
          HostEvacuationWorkflowImpl.class,
          HostDrainWorkflowImpl.class);

  /** What the corpus must always hold: each path an in-flight workflow may be on at an upgrade. */
  static final List<String> REQUIRED =
      List.of(
          "confirmed",
          "reverted",
          "auto-confirmed",
          "error",
          "verify-resize-open",
          "instance-open",
          "host-open",
          "placement-open",
          "continue-as-new",
          "adoption",
          "cancelled",
          "cancel-reverted",
          "image",
          "image-refused",
          // recorded on the real test bed (record-histories.sh --testbed)
          "live-completed",
          "aborted-queued",
          "aborted-preparing",
          "aborted-running",
          "force-completed",
          "rolled-back",
          "evacuation-done",
          "evacuation-completed",
          "host-evacuation",
          "host-drain");

  /**
   * Every category an index row may claim, each with the evidence its history must carry: the index
   * cannot claim what the recorded history does not show.
   */
  static final Map<String, BiPredicate<Entry, WorkflowExecutionHistory>> CATEGORIES = categories();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "/histories/index.tsv";

  private Corpus() {}

  /** One row of the index. */
  record Entry(
      String file,
      String workflowId,
      String workflowType,
      boolean open,
      Set<String> categories,
      String shows,
      String recorded) {

    /** The history, with the workflow id the Java test server leaves out of its histories. */
    WorkflowExecutionHistory history() {
      try {
        return WorkflowExecutionHistory.fromJson(
            Files.readString(dir().resolve(file), StandardCharsets.UTF_8), workflowId);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read history " + file, e);
      }
    }

    String name() {
      return file.replaceFirst("\\.json$", "");
    }

    @Override
    public String toString() {
      return name() + " [" + String.join(",", categories) + "]: " + shows;
    }
  }

  /**
   * The corpus in the source tree (tests run in the module's directory), so a history removed there
   * is gone here too; else the copy on the test classpath.
   */
  static Path dir() {
    Path source = Path.of("src", "test", "resources", "histories");
    if (Files.isRegularFile(source.resolve("index.tsv"))) {
      return source;
    }
    URL index = Corpus.class.getResource(INDEX);
    if (index == null) {
      throw new IllegalStateException(
          "no " + INDEX + " on the test classpath: record it with scripts/record-histories.sh");
    }
    try {
      return Path.of(index.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Entry> entries() {
    List<String> lines;
    try {
      lines = Files.readAllLines(dir().resolve("index.tsv"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Entry> entries = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 7) {
        throw new IllegalStateException("index.tsv: 7 tab-separated fields expected: " + line);
      }
      entries.add(
          new Entry(
              f[0],
              f[1],
              f[2],
              switch (f[3]) {
                case "open" -> true;
                case "closed" -> false;
                default -> throw new IllegalStateException("index.tsv: open or closed: " + line);
              },
              new LinkedHashSet<>(Arrays.asList(f[4].split(","))),
              f[5],
              f[6]));
    }
    return entries;
  }

  static List<Entry> ofType(String workflowType) {
    return entries().stream().filter(e -> e.workflowType().equals(workflowType)).toList();
  }

  /** Workflow type name (as Temporal names it) → today's implementation class. */
  static Map<String, Class<?>> implementationsByType() {
    Map<String, Class<?>> byType = new LinkedHashMap<>();
    for (Class<?> impl : IMPLEMENTATIONS) {
      for (POJOWorkflowMethodMetadata m :
          POJOWorkflowImplMetadata.newInstance(impl).getWorkflowMethods()) {
        byType.put(m.getName(), impl);
      }
    }
    return byType;
  }

  // ---- reading a history ------------------------------------------------------------------------

  static String typeOf(WorkflowExecutionHistory h) {
    return h.getEvents()
        .get(0)
        .getWorkflowExecutionStartedEventAttributes()
        .getWorkflowType()
        .getName();
  }

  static boolean isOpen(WorkflowExecutionHistory h) {
    EventType last = h.getLastEvent().getEventType();
    return !List.of(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)
        .contains(last);
  }

  /** The JSON result of a completed workflow (e.g. a move's MoveView), or null. */
  static JsonNode result(WorkflowExecutionHistory h) {
    HistoryEvent last = h.getLastEvent();
    if (last.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
      return null;
    }
    return firstPayload(last.getWorkflowExecutionCompletedEventAttributes().getResult());
  }

  /** The workflow's first input argument as JSON, or null. */
  static JsonNode input(WorkflowExecutionHistory h) {
    return firstPayload(
        h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getInput());
  }

  /** The last value upserted for a keyword search attribute, or null. */
  static String lastSearchAttribute(WorkflowExecutionHistory h, String name) {
    String value = null;
    for (HistoryEvent e : h.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) {
        Payload p =
            e.getUpsertWorkflowSearchAttributesEventAttributes()
                .getSearchAttributes()
                .getIndexedFieldsMap()
                .get(name);
        if (p != null) {
          value = json(p).asText();
        }
      }
    }
    return value;
  }

  private static JsonNode firstPayload(Payloads payloads) {
    return payloads.getPayloadsCount() == 0 ? null : json(payloads.getPayloads(0));
  }

  private static JsonNode json(Payload p) {
    try {
      return JSON.readTree(p.getData().toStringUtf8());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- categories and their evidence ------------------------------------------------------------

  private static Map<String, BiPredicate<Entry, WorkflowExecutionHistory>> categories() {
    Map<String, BiPredicate<Entry, WorkflowExecutionHistory>> c = new LinkedHashMap<>();
    // A move's terminal status is the status in its result (MoveView).
    c.put("confirmed", (e, h) -> moveEnded(h, "confirmed"));
    c.put("reverted", (e, h) -> moveEnded(h, "reverted"));
    c.put("error", (e, h) -> moveEnded(h, "error"));
    c.put(
        "auto-confirmed",
        (e, h) -> moveEnded(h, "confirmed") && decidedBy(result(h), "CONFIRM", "auto-confirm"));
    // Parked: still open, its last status upserted for the UI is `finished` (VERIFY_RESIZE).
    c.put(
        "verify-resize-open",
        (e, h) ->
            isOpen(h)
                && "finished"
                    .equals(lastSearchAttribute(h, SearchAttributeNames.MIGRATION_STATUS)));
    for (String entity : List.of("Instance", "Host", "Placement")) {
      String prefix = entity.toLowerCase();
      c.put(prefix + "-open", (e, h) -> typeOf(h).equals(entity + "Workflow") && isOpen(h));
      c.put(prefix + "-closed", (e, h) -> typeOf(h).equals(entity + "Workflow") && !isOpen(h));
    }
    // The run after a continue-as-new, or the run that continued as new.
    c.put(
        "continue-as-new",
        (e, h) ->
            !h.getEvents()
                    .get(0)
                    .getWorkflowExecutionStartedEventAttributes()
                    .getContinuedExecutionRunId()
                    .isEmpty()
                || h.getLastEvent().getEventType()
                    == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    // The adoption itself, or the instance it started (its parent is the adoption).
    c.put(
        "adoption",
        (e, h) ->
            typeOf(h).equals("AdoptionWorkflow")
                || h.getEvents()
                    .get(0)
                    .getWorkflowExecutionStartedEventAttributes()
                    .getParentWorkflowExecution()
                    .getWorkflowId()
                    .startsWith("adopt:"));
    // A move of a SHUTOFF instance: the record it started from says STOPPED.
    c.put(
        "shutoff",
        (e, h) -> {
          JsonNode in = input(h);
          return in != null && "STOPPED".equals(in.path("instance").path("vmState").asText());
        });
    // Live migration: its terminal status, and the status an abort or a rollback ended.
    c.put("live-completed", (e, h) -> isLive(h) && moveEnded(h, "completed"));
    c.put("live-cancelled", (e, h) -> isLive(h) && moveEnded(h, "cancelled"));
    c.put("live-failed", (e, h) -> isLive(h) && moveEnded(h, "failed"));
    for (String phase : List.of("QUEUED", "PREPARING", "RUNNING")) {
      c.put(
          "aborted-" + phase.toLowerCase(),
          (e, h) ->
              isLive(h)
                  && moveEnded(h, "cancelled")
                  && changed(result(h), phase, "ABORTED", "CANCELLED", null));
    }
    // Force-complete switched it to post-copy (the operator's doing), and it completed.
    c.put(
        "force-completed",
        (e, h) ->
            isLive(h)
                && moveEnded(h, "completed")
                && changed(
                    result(h),
                    "RUNNING",
                    "POST_COPY_STARTED",
                    "RUNNING_POST_COPY",
                    "force-complete"));
    c.put(
        "rolled-back",
        (e, h) ->
            isLive(h)
                && moveEnded(h, "failed")
                && changed(result(h), "RUNNING", "ROLLED_BACK", "FAILED", null));
    c.put(
        "evacuation-done",
        (e, h) -> typeOf(h).equals("EvacuationWorkflow") && moveEnded(h, "done"));
    // The old host's agent destroyed the stale copy on return and told the instance.
    c.put(
        "evacuation-completed",
        (e, h) ->
            typeOf(h).equals("InstanceWorkflow")
                && h.getEvents().stream()
                    .anyMatch(
                        ev ->
                            ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
                                && ev.getWorkflowExecutionSignaledEventAttributes()
                                    .getSignalName()
                                    .equals("evacuationCompleted")));
    // A host evacuation / drain that finished with at least two of its moves done.
    c.put("host-evacuation", (e, h) -> hostMovesDone(h, "HostEvacuationWorkflow", 2));
    c.put("host-drain", (e, h) -> hostMovesDone(h, "HostDrainWorkflow", 2));
    // A move that found a host dead.
    c.put(
        "dead-host",
        (e, h) -> {
          JsonNode r = result(h);
          return r != null && r.path("error").asText().contains("unreachable");
        });
    // A resize / cold migration cancelled (a workflow cancel) while it moved, before VERIFY_RESIZE:
    // compensated, `cancelled`. Temporal closes a cancelled workflow as canceled, without a
    // result: its status is the last one upserted for the UI.
    c.put(
        "cancelled",
        (e, h) ->
            cancelledResize(h, List.of("pre-migrating", "migrating", "post-migrating"))
                && "cancelled"
                    .equals(lastSearchAttribute(h, SearchAttributeNames.MIGRATION_STATUS)));
    // Cancelled while parked in VERIFY_RESIZE (`finished`): a revert.
    c.put(
        "cancel-reverted",
        (e, h) ->
            cancelledResize(h, List.of("finished"))
                && "reverted"
                    .equals(lastSearchAttribute(h, SearchAttributeNames.MIGRATION_STATUS)));
    // A server built from a base image (build-from-image): the root disk copied from the host's
    // image store, then the domain started.
    c.put(
        "image",
        (e, h) ->
            buildsFromImage(h)
                && activityEnded(
                    h, "DiskCreateDiskFromImage", EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
                && activityTypes(h).contains("HypervisorPowerOn"));
    // An image the host does not have: refused by the agent, no domain defined, the record closed.
    c.put(
        "image-refused",
        (e, h) ->
            buildsFromImage(h)
                && !isOpen(h)
                && activityEnded(
                    h, "DiskCreateDiskFromImage", EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
                && !activityTypes(h).contains("HypervisorDefine"));
    return c;
  }

  /**
   * A ResizeWorkflow closed as canceled, whose status (the last upserted) was one of {@code
   * statuses} when the cancel request arrived.
   */
  private static boolean cancelledResize(WorkflowExecutionHistory h, List<String> statuses) {
    if (!typeOf(h).equals("ResizeWorkflow")
        || h.getLastEvent().getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED) {
      return false;
    }
    String status = null;
    for (HistoryEvent ev : h.getEvents()) {
      if (ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) {
        return statuses.contains(status);
      }
      if (ev.getEventType() == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) {
        Payload p =
            ev.getUpsertWorkflowSearchAttributesEventAttributes()
                .getSearchAttributes()
                .getIndexedFieldsMap()
                .get(SearchAttributeNames.MIGRATION_STATUS);
        if (p != null) {
          status = json(p).asText();
        }
      }
    }
    return false;
  }

  /** An InstanceWorkflow whose record names a base image and that took build-from-image. */
  private static boolean buildsFromImage(WorkflowExecutionHistory h) {
    JsonNode in = input(h);
    return typeOf(h).equals("InstanceWorkflow")
        && in != null
        && !in.path("baseImage").asText("").isBlank()
        && versionMarker(h, "build-from-image") >= 1;
  }

  /** The version a {@code Workflow.getVersion} marker recorded for {@code changeId}, or -1. */
  private static int versionMarker(WorkflowExecutionHistory h, String changeId) {
    for (HistoryEvent ev : h.getEvents()) {
      if (ev.getEventType() != EventType.EVENT_TYPE_MARKER_RECORDED) {
        continue;
      }
      var marker = ev.getMarkerRecordedEventAttributes();
      Payloads id = marker.getDetailsMap().get("changeId");
      Payloads version = marker.getDetailsMap().get("version");
      if (marker.getMarkerName().equals("Version")
          && id != null
          && version != null
          && changeId.equals(firstPayload(id).asText())) {
        return firstPayload(version).asInt(-1);
      }
    }
    return -1;
  }

  /** The activity types scheduled, in order. */
  private static List<String> activityTypes(WorkflowExecutionHistory h) {
    return h.getEvents().stream()
        .filter(ev -> ev.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(ev -> ev.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .toList();
  }

  /** An activity of {@code type} ended with {@code end} (completed, failed...). */
  private static boolean activityEnded(WorkflowExecutionHistory h, String type, EventType end) {
    Map<Long, String> scheduled = new LinkedHashMap<>();
    for (HistoryEvent ev : h.getEvents()) {
      if (ev.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.put(
            ev.getEventId(),
            ev.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (ev.getEventType() == end) {
        long id =
            switch (end) {
              case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
                  ev.getActivityTaskCompletedEventAttributes().getScheduledEventId();
              case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
                  ev.getActivityTaskFailedEventAttributes().getScheduledEventId();
              default -> throw new IllegalArgumentException("not an activity end: " + end);
            };
        if (type.equals(scheduled.get(id))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean moveEnded(WorkflowExecutionHistory h, String status) {
    JsonNode r = result(h);
    return r != null
        && status.equals(r.path("status").asText())
        && r.path("finished").asBoolean(false);
  }

  private static boolean isLive(WorkflowExecutionHistory h) {
    return typeOf(h).equals("LiveMigrationWorkflow");
  }

  /** The move's log has this change; {@code actorPrefix} null: by anyone. */
  private static boolean changed(
      JsonNode move, String from, String event, String to, String actorPrefix) {
    if (move == null) {
      return false;
    }
    for (JsonNode t : move.path("log")) {
      if (from.equals(t.path("from").asText())
          && event.equals(t.path("event").asText())
          && to.equals(t.path("to").asText())
          && (actorPrefix == null || t.path("actor").asText().startsWith(actorPrefix))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hostMovesDone(WorkflowExecutionHistory h, String type, int atLeast) {
    JsonNode r = result(h);
    if (!typeOf(h).equals(type) || r == null || !"done".equals(r.path("status").asText())) {
      return false;
    }
    int done = 0;
    for (JsonNode item : r.path("items")) {
      if ("DONE".equals(item.path("state").asText()) && !item.path("moveId").asText().isEmpty()) {
        done++;
      }
    }
    return done >= atLeast;
  }

  private static boolean decidedBy(JsonNode move, String event, String actor) {
    for (JsonNode t : move.path("log")) {
      if (event.equals(t.path("event").asText()) && actor.equals(t.path("actor").asText())) {
        return true;
      }
    }
    return false;
  }
}
