package dev.ferry.worker.config;

import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/** Worker options shared by the conductor and the agents. */
public final class Workers {
  private Workers() {}

  /**
   * With sticky caching on, the Java test server strands a killed worker's workflows on its sticky
   * queue forever: against it, every workflow task goes to the normal queue (Duration.ZERO).
   */
  public static WorkerOptions options(FerryProperties.Temporal temporal) {
    WorkerOptions.Builder options = WorkerOptions.newBuilder();
    if (!temporal.sticky()) {
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    return options.build();
  }
}
