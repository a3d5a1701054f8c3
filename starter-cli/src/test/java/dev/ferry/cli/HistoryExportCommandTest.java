package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.client.FerryClient;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry history export --run-id}: a workflow that continued as new has two runs; the command
 * exports either, and refuses an unknown run or workflow with a clear error and exit 1.
 */
class HistoryExportCommandTest {
  private static final String QUEUE = "history-export-test";
  private static final String ID = "entity:counter";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** TEST ONLY: an entity in miniature: continues as new once, then waits to be told to end. */
  @WorkflowInterface
  public interface Counter {
    @WorkflowMethod
    void run(int generation);
  }

  public static class CounterImpl implements Counter {
    @Override
    public void run(int generation) {
      Workflow.sleep(Duration.ofMillis(1));
      if (generation == 0) {
        Workflow.continueAsNew(1);
      }
    }
  }

  private TestWorkflowEnvironment env;
  private String firstRun;
  private String lastRun;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(CounterImpl.class);
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    Counter counter =
        client.newWorkflowStub(
            Counter.class,
            WorkflowOptions.newBuilder().setWorkflowId(ID).setTaskQueue(QUEUE).build());
    firstRun = WorkflowClient.start(counter::run, 0).getRunId();
    client.newUntypedWorkflowStub(ID).getResult(Void.class); // follows the chain to the end
    lastRun = client.newUntypedWorkflowStub(ID).describe().getExecution().getRunId();
    assertNotEquals(firstRun, lastRun, "the counter continued as new");
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private Cli.Result ferry(String... args) {
    return Cli.run(o -> FerryClient.of(env.getWorkflowClient(), Duration.ofSeconds(10)), args);
  }

  private Cli.Result ok(String... args) {
    Cli.Result r = ferry(args);
    assertEquals(0, r.exit(), r.toString());
    assertEquals("", r.err(), r.toString());
    return r;
  }

  private Cli.Result refused(int status, String expected, String... args) {
    Cli.Result r = ferry(args);
    assertEquals(status, r.exit(), r.toString());
    assertEquals("", r.out(), r.toString());
    assertTrue(r.err().startsWith("ferry: error: "), r.toString());
    assertTrue(r.err().contains(expected), r.toString());
    return r;
  }

  private static JsonNode first(JsonNode history) {
    return history.get("events").get(0);
  }

  private static String lastEventType(JsonNode history) {
    JsonNode events = history.get("events");
    return events.get(events.size() - 1).get("eventType").asText();
  }

  @Test
  void withoutRunIdTheLatestRunWhichNamesTheRunItContinuedFrom() throws Exception {
    JsonNode latest = JSON.readTree(ok("history", "export", ID).out());
    assertEquals(
        firstRun,
        first(latest)
            .get("workflowExecutionStartedEventAttributes")
            .get("continuedExecutionRunId")
            .asText());
    assertEquals("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED", lastEventType(latest));
  }

  @Test
  void runIdExportsThatRunTheOneThatContinuedAsNew() throws Exception {
    JsonNode earlier = JSON.readTree(ok("history", "export", ID, "--run-id", firstRun).out());
    assertEquals("EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW", lastEventType(earlier));
    JsonNode started = first(earlier).get("workflowExecutionStartedEventAttributes");
    assertTrue(
        !started.has("continuedExecutionRunId")
            || started.get("continuedExecutionRunId").asText().isEmpty(),
        "the first run continued from nothing: " + started);

    JsonNode latest = JSON.readTree(ok("history", "export", ID, "--run-id", lastRun).out());
    assertEquals("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED", lastEventType(latest));
    assertEquals(JSON.readTree(ok("history", "export", ID).out()), latest, "the latest run");
  }

  @Test
  void runIdToAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("runs/first.json");
    Cli.Result r = ok("history", "export", ID, "--run-id", firstRun, "-o", file.toString());
    assertEquals(
        "wrote the history of " + ID + " run " + firstRun + " to " + file, r.out().strip());
    assertEquals(
        "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW",
        lastEventType(JSON.readTree(Files.readString(file))));
  }

  @Test
  void anUnknownRunOrWorkflowIsNotFoundAndABadRunIdIsInvalid(@TempDir Path dir) {
    String noSuchRun = UUID.randomUUID().toString();
    Path file = dir.resolve("never.json");
    refused(
        ExitStatus.NOT_FOUND,
        "workflow '" + ID + "' has no run '" + noSuchRun + "'",
        "history",
        "export",
        ID,
        "--run-id",
        noSuchRun,
        "-o",
        file.toString());
    assertTrue(Files.notExists(file), "nothing written for an unknown run");
    refused(
        ExitStatus.NOT_FOUND,
        "no workflow 'nope'",
        "history",
        "export",
        "nope",
        "--run-id",
        firstRun);
    refused(ExitStatus.NOT_FOUND, "no workflow 'nope'", "history", "export", "nope");
    refused(
        ExitStatus.INVALID,
        "'not-a-run' is not a run id",
        "history",
        "export",
        ID,
        "--run-id",
        "not-a-run");
  }
}
