package dev.ferry.cli;

import dev.ferry.client.FerryFailure;
import dev.ferry.client.Rejections;
import dev.ferry.model.FerryRejection;
import java.util.Optional;

/** Turns any failure into the one line the CLI prints. */
public final class Errors {
  private Errors() {}

  public static String message(Throwable t) {
    if (t instanceof FerryFailure) {
      return oneLine(t.getMessage());
    }
    Optional<FerryRejection> rejection = Rejections.find(t);
    if (rejection.isPresent()) {
      return oneLine(rejection.get().getMessage());
    }
    String deepest = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        deepest = c.getMessage();
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return oneLine(deepest != null ? deepest : t.getClass().getName());
  }

  /** Collapses line breaks so an error stays one line. */
  public static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
