package dev.ferry.testing;

import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only parent {@code instance:<id>}: records the signals a move sends it (in a static recorder
 * keyed by workflow id, written only on first execution) and completes when the move closes.
 */
public class RecordingInstanceWorkflow implements InstanceWorkflow {

  public static final Map<String, List<MoveProgress>> PROGRESS = new ConcurrentHashMap<>();
  public static final Map<String, List<MoveOutcome>> CLOSED = new ConcurrentHashMap<>();

  private InstanceRecord record;
  private boolean closed;

  public static List<MoveProgress> progressOf(String instanceId) {
    return List.copyOf(PROGRESS.getOrDefault("instance:" + instanceId, List.of()));
  }

  public static List<MoveOutcome> closedOf(String instanceId) {
    return List.copyOf(CLOSED.getOrDefault("instance:" + instanceId, List.of()));
  }

  @Override
  public void run(InstanceRecord record) {
    this.record = record;
    Workflow.await(() -> closed);
  }

  @Override
  public void moveProgress(MoveProgress progress) {
    if (!Workflow.isReplaying()) {
      PROGRESS.computeIfAbsent(id(), k -> new CopyOnWriteArrayList<>()).add(progress);
    }
  }

  @Override
  public void moveClosed(MoveOutcome outcome) {
    if (!Workflow.isReplaying()) {
      CLOSED.computeIfAbsent(id(), k -> new CopyOnWriteArrayList<>()).add(outcome);
    }
    closed = true;
  }

  @Override
  public InstanceRecord get() {
    return record;
  }

  @Override
  public String startMove(MoveRequest request) {
    throw new UnsupportedOperationException("test parent");
  }

  @Override
  public void validateStartMove(MoveRequest request) {}

  @Override
  public InstanceRecord delete() {
    throw new UnsupportedOperationException("test parent");
  }

  @Override
  public void validateDelete() {}

  private static String id() {
    return Workflow.getInfo().getWorkflowId();
  }
}
