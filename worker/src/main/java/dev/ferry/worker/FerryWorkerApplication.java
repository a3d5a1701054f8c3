package dev.ferry.worker;

import dev.ferry.worker.config.FerryProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Entry point of every long-running Ferry process; {@code ferry.role} says which. */
@SpringBootApplication
@EnableConfigurationProperties(FerryProperties.class)
public class FerryWorkerApplication {
  public static void main(String[] args) {
    try {
      SpringApplication.run(FerryWorkerApplication.class, args);
    } catch (RuntimeException e) {
      // One line that says what is wrong, then a non-zero exit: nothing was started.
      System.err.println("ferry-worker: error: " + rootMessage(e));
      System.exit(1);
    }
  }

  /** Ferry's own words where there are some (they name the URI or target), else the root cause. */
  static String rootMessage(Throwable t) {
    String deepest = t.getMessage();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() == null) {
        continue;
      }
      if (c.getClass().getName().startsWith("dev.ferry.")
          || (c instanceof IllegalStateException
              && !c.getMessage().startsWith("Failed to start"))) {
        return c.getMessage();
      }
      deepest = c.getMessage();
    }
    return deepest;
  }
}
