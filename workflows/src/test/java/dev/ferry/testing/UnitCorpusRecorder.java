package dev.ferry.testing;

import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.metadata.POJOWorkflowImplMetadata;
import io.temporal.common.metadata.POJOWorkflowMethodMetadata;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Exports, after each test that passed, the histories its {@code TestWorkflowEnvironment} holds of
 * the workflow types named by the class's {@link RecordUnitCorpus}, open or closed, every run, into
 * {@code unit-histories/<TestClass>/<testMethod>-<WorkflowType>[-<n>].json} (n: the runs of one
 * type in start order) and the directory's {@code index.tsv}. Off unless {@code
 * -Dferry.recordUnitCorpus=true}.
 *
 * <p>It runs after the test method and before the class's {@code @AfterEach}, while the environment
 * is still up. The runs are listed with ListOpen/ListClosedWorkflowExecutions, which the Java test
 * server answers from its store (every workflow of the environment), and exported with {@code
 * fetchHistory(...).toJson(true)}, as {@code ferry history export} does for the recorded corpus.
 */
public final class UnitCorpusRecorder implements AfterTestExecutionCallback {

  private static final Object LOCK = new Object();

  @Override
  public void afterTestExecution(ExtensionContext context) throws Exception {
    if (!Boolean.getBoolean(UnitCorpus.RECORD_PROPERTY)) {
      return;
    }
    String method = context.getRequiredTestMethod().getName();
    Class<?> testClass = context.getRequiredTestClass();
    if (context.getExecutionException().isPresent()) {
      System.out.println("unit corpus: " + method + " did not pass; nothing recorded");
      return;
    }
    TestWorkflowEnvironment env = environmentOf(context.getRequiredTestInstance());
    Set<String> types = recordedTypes(testClass);
    Map<String, WorkflowExecutionHistory> files = new LinkedHashMap<>();
    Map<String, WorkflowExecutionInfo> infos = new LinkedHashMap<>();
    Map<String, List<WorkflowExecutionInfo>> byType = new LinkedHashMap<>();
    for (WorkflowExecutionInfo info : executions(env)) {
      if (types.contains(info.getType().getName())) {
        byType.computeIfAbsent(info.getType().getName(), t -> new ArrayList<>()).add(info);
      }
    }
    for (var entry : byType.entrySet()) {
      List<WorkflowExecutionInfo> runs = entry.getValue();
      runs.sort(
          Comparator.comparing((WorkflowExecutionInfo i) -> i.getStartTime().getSeconds())
              .thenComparing(i -> i.getStartTime().getNanos())
              .thenComparing(i -> i.getExecution().getWorkflowId())
              .thenComparing(i -> i.getExecution().getRunId()));
      for (int n = 0; n < runs.size(); n++) {
        WorkflowExecutionInfo info = runs.get(n);
        String file =
            method + "-" + entry.getKey() + (runs.size() == 1 ? "" : "-" + (n + 1)) + ".json";
        files.put(
            file,
            env.getWorkflowClient()
                .fetchHistory(info.getExecution().getWorkflowId(), info.getExecution().getRunId()));
        infos.put(file, info);
      }
    }
    synchronized (LOCK) {
      write(testClass.getSimpleName(), method, files, infos);
    }
  }

  private static void write(
      String testClass,
      String method,
      Map<String, WorkflowExecutionHistory> files,
      Map<String, WorkflowExecutionInfo> infos)
      throws IOException {
    Path dir = UnitCorpus.sourceDir().resolve(testClass);
    Files.createDirectories(dir);
    // The test's histories from an earlier recording go: a test may now start fewer workflows.
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(method + "-") && name.endsWith(".json")) {
          Files.delete(p);
        }
      }
    }
    List<UnitCorpus.Row> rows = new ArrayList<>();
    for (UnitCorpus.Row row : UnitCorpus.rows(dir)) {
      if (!row.testMethod().equals(method)) {
        rows.add(row);
      }
    }
    for (var e : files.entrySet()) {
      WorkflowExecutionInfo info = infos.get(e.getKey());
      Files.writeString(dir.resolve(e.getKey()), e.getValue().toJson(true), StandardCharsets.UTF_8);
      rows.add(
          new UnitCorpus.Row(
              testClass,
              e.getKey(),
              info.getExecution().getWorkflowId(),
              info.getExecution().getRunId(),
              info.getType().getName(),
              UnitCorpus.status(e.getValue())));
    }
    UnitCorpus.writeIndex(dir, rows);
    System.out.println("unit corpus: " + testClass + "." + method + " -> " + files.keySet());
  }

  /** Every run the environment's server holds, open first, each once (closed wins a race). */
  private static List<WorkflowExecutionInfo> executions(TestWorkflowEnvironment env) {
    WorkflowServiceBlockingStub service = env.getWorkflowServiceStubs().blockingStub();
    Map<String, WorkflowExecutionInfo> runs = new LinkedHashMap<>();
    ListOpenWorkflowExecutionsResponse open;
    var openRequest =
        ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(env.getNamespace());
    do {
      open = service.listOpenWorkflowExecutions(openRequest.build());
      open.getExecutionsList().forEach(i -> runs.put(key(i), i));
      openRequest.setNextPageToken(open.getNextPageToken());
    } while (!open.getNextPageToken().isEmpty());
    ListClosedWorkflowExecutionsResponse closed;
    var closedRequest =
        ListClosedWorkflowExecutionsRequest.newBuilder().setNamespace(env.getNamespace());
    do {
      closed = service.listClosedWorkflowExecutions(closedRequest.build());
      closed.getExecutionsList().forEach(i -> runs.put(key(i), i));
      closedRequest.setNextPageToken(closed.getNextPageToken());
    } while (!closed.getNextPageToken().isEmpty());
    return new ArrayList<>(runs.values());
  }

  private static String key(WorkflowExecutionInfo info) {
    return info.getExecution().getWorkflowId() + "/" + info.getExecution().getRunId();
  }

  /** The workflow types of the implementations {@link RecordUnitCorpus} names. */
  static Set<String> recordedTypes(Class<?> testClass) {
    RecordUnitCorpus config = testClass.getAnnotation(RecordUnitCorpus.class);
    if (config == null) {
      throw new IllegalStateException(
          testClass + " registers the recorder without @RecordUnitCorpus");
    }
    Set<String> types = new TreeSet<>();
    for (Class<?> impl : config.value()) {
      for (POJOWorkflowMethodMetadata m :
          POJOWorkflowImplMetadata.newInstance(impl).getWorkflowMethods()) {
        types.add(m.getName());
      }
    }
    return types;
  }

  /**
   * The test's one {@code TestWorkflowEnvironment}: held in a field (the class's own or a
   * superclass's) of its own type or of a {@link TestEnvironmentHolder} (a {@link MoveTestKit}).
   */
  static TestWorkflowEnvironment environmentOf(Object test) throws IllegalAccessException {
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = test.getClass(); c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if ((TestWorkflowEnvironment.class.isAssignableFrom(f.getType())
                || TestEnvironmentHolder.class.isAssignableFrom(f.getType()))
            && !Modifier.isStatic(f.getModifiers())) {
          fields.add(f);
        }
      }
    }
    if (fields.size() != 1) {
      throw new IllegalStateException(
          test.getClass().getSimpleName()
              + " must hold exactly one TestWorkflowEnvironment (or TestEnvironmentHolder) field"
              + " for the unit corpus recorder, has "
              + fields);
    }
    Field field = fields.get(0);
    field.setAccessible(true);
    Object value = field.get(test);
    TestWorkflowEnvironment env =
        value instanceof TestEnvironmentHolder holder
            ? holder.testEnvironment()
            : (TestWorkflowEnvironment) value;
    if (env == null) {
      throw new IllegalStateException(field + " is null after the test");
    }
    return env;
  }
}
