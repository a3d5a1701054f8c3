package dev.ferry.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Registers {@link UnitCorpusRecorder} on a test class whose tests hold their {@code
 * TestWorkflowEnvironment} in a field (or in a {@link MoveTestKit} field): with {@code
 * -Dferry.recordUnitCorpus=true}, each test that passed leaves the histories of the workflows it
 * ran into {@code unit-histories/<TestClass>/}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(UnitCorpusRecorder.class)
public @interface RecordUnitCorpus {

  /**
   * The real implementations the class registers (ResizeWorkflowImpl, InstanceWorkflowImpl...):
   * only runs of their workflow types are recorded, never those of a test-only workflow registered
   * under a real type (FakeMoves, RecordingInstanceWorkflow), which today's code could not replay.
   */
  Class<?>[] value();
}
