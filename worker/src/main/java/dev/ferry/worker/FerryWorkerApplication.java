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

  private static String rootMessage(Throwable t) {
    String message = t.getMessage();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null) {
        message = c.getMessage();
      }
      if (c instanceof IllegalStateException || c instanceof IllegalArgumentException) {
        if (c.getMessage() != null && !c.getMessage().startsWith("Failed to start bean")) {
          return c.getMessage();
        }
      }
    }
    return message;
  }
}
