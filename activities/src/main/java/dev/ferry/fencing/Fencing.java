package dev.ferry.fencing;

import dev.ferry.evacuate.FenceMethods;
import io.temporal.failure.ApplicationFailure;

/** The failures fencing methods throw. */
final class Fencing {
  private Fencing() {}

  /** The method cannot work for this host as configured: retrying cannot help. */
  static ApplicationFailure notConfigured(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FenceMethods.NOT_CONFIGURED);
  }

  /** The method ran and could not fence (e.g. libvirt does not answer): may pass on a retry. */
  static ApplicationFailure failed(String message, Throwable cause) {
    return ApplicationFailure.newFailureWithCause(message, FenceMethods.FAILED, cause);
  }
}
