package dev.ferry.testing;

import io.temporal.testing.TestWorkflowEnvironment;

/**
 * A test fixture that owns the test's {@code TestWorkflowEnvironment}: {@link UnitCorpusRecorder}
 * finds the environment through a field of this type as through a field of the environment's own.
 */
public interface TestEnvironmentHolder {
  TestWorkflowEnvironment testEnvironment();
}
