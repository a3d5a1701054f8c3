package dev.ferry.hypervisor.libvirt;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import org.libvirt.LibvirtException;

/**
 * The boundary of every libvirt activity: what its body throws becomes the failure a workflow
 * expects. A {@link FerryRejection} is its non-retryable type, a libvirt error is mapped by {@link
 * LibvirtFailures}, an argument the agent's own code refuses is INVALID_ARGUMENT, and anything else
 * (an unreachable libvirt, an I/O error) is retryable, typed by its class.
 */
public final class ActivityBoundary {

  /** An activity's work; may throw anything the boundary maps. */
  @FunctionalInterface
  public interface Body<T> {
    T run() throws Exception;
  }

  private ActivityBoundary() {}

  /**
   * Runs {@code body}; {@code what} and the libvirt {@code uri} name the work in a failure's
   * message.
   */
  public static <T> T run(String what, String uri, Body<T> body) {
    try {
      return body.run();
    } catch (FerryRejection e) {
      throw e.toFailure();
    } catch (ApplicationFailure | ActivityCompletionException e) {
      throw e; // already an activity's answer (or its cancellation)
    } catch (LibvirtException e) {
      throw LibvirtFailures.toFailure(what, uri, e);
    } catch (IllegalArgumentException e) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, what + ": " + e.getMessage()).toFailure();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    } catch (Exception e) {
      throw ApplicationFailure.newFailureWithCause(
          what + " failed on " + uri + ": " + e.getMessage(), e.getClass().getName(), e);
    }
  }
}
