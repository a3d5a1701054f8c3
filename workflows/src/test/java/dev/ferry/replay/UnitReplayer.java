package dev.ferry.replay;

import dev.ferry.testing.MoveTestKit;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.metadata.POJOWorkflowImplMetadata;
import io.temporal.common.metadata.POJOWorkflowMethodMetadata;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays unit-corpus histories with WorkflowReplayer on workers of one (never started) test
 * environment whose converter is the unit tests' tolerant JSON one, so their payloads read back as
 * they were written. One worker per set of implementation classes: today's ({@link
 * Corpus#IMPLEMENTATIONS}, as ReplayCorpusTest registers them) or a guard's changed variant.
 */
final class UnitReplayer implements AutoCloseable {

  private final TestWorkflowEnvironment env = MoveTestKit.newEnvironment();
  private final Map<List<Class<?>>, Worker> workers = new LinkedHashMap<>();

  /**
   * Replays {@code history} against today's implementations with {@code variants} in place of the
   * classes implementing the same workflow types; null when it replays, else the failure.
   */
  synchronized Exception replay(WorkflowExecutionHistory history, Class<?>... variants) {
    try {
      WorkflowReplayer.replayWorkflowExecution(history, worker(withVariants(variants)));
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private Worker worker(List<Class<?>> implementations) {
    return workers.computeIfAbsent(
        implementations,
        impls -> {
          Worker w = env.newWorker("unit-replay-" + workers.size());
          w.registerWorkflowImplementationTypes(impls.toArray(Class<?>[]::new));
          return w;
        });
  }

  private static List<Class<?>> withVariants(Class<?>... variants) {
    Map<String, Class<?>> byType = Corpus.implementationsByType();
    for (Class<?> variant : variants) {
      for (String type : typesOf(variant)) {
        byType.put(type, variant);
      }
    }
    List<Class<?>> impls = new ArrayList<>();
    byType.values().stream().distinct().forEach(impls::add);
    return impls;
  }

  static List<String> typesOf(Class<?> implementation) {
    return POJOWorkflowImplMetadata.newInstance(implementation).getWorkflowMethods().stream()
        .map(POJOWorkflowMethodMetadata::getName)
        .toList();
  }

  @Override
  public void close() {
    env.close();
  }
}
