package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What the one libvirt activity boundary makes of what an activity's body throws. */
class ActivityBoundaryTest {

  private static final String URI = "test:///default";

  @Test
  void aRejectionIsItsNonRetryableType() {
    ApplicationFailure f =
        fail(
            () -> {
              throw new FerryRejection(Reason.INVALID_STATE, "busy");
            });

    assertEquals(FerryRejection.TYPE_PREFIX + Reason.INVALID_STATE, f.getType());
    assertTrue(f.isNonRetryable());
  }

  @Test
  void anArgumentTheAgentRefusesIsANonRetryableInvalidArgument() {
    ApplicationFailure f =
        fail(
            () -> {
              throw new IllegalArgumentException("unreadable libvirt XML");
            });

    assertEquals(FerryRejection.TYPE_PREFIX + Reason.INVALID_ARGUMENT, f.getType());
    assertTrue(f.isNonRetryable());
    assertEquals("define x: unreadable libvirt XML", f.getOriginalMessage());
  }

  @Test
  void anyOtherFailureIsRetryableTypedByItsClassAndSaysWhatFailedWhere() {
    ApplicationFailure io =
        fail(
            () -> {
              throw new IOException("disk full");
            });
    ApplicationFailure unavailable =
        fail(
            () -> {
              throw new LibvirtUnavailableException("libvirtd restarts", null);
            });

    assertEquals(IOException.class.getName(), io.getType());
    assertFalse(io.isNonRetryable());
    assertEquals("define x failed on " + URI + ": disk full", io.getOriginalMessage());
    assertEquals(LibvirtUnavailableException.class.getName(), unavailable.getType());
    assertFalse(unavailable.isNonRetryable());
  }

  @Test
  void anActivitysOwnFailurePassesUnchanged() {
    ApplicationFailure own = ApplicationFailure.newFailure("as it is", "Own");

    assertSame(
        own,
        assertThrows(
            ApplicationFailure.class,
            () ->
                ActivityBoundary.run(
                    "define x",
                    URI,
                    () -> {
                      throw own;
                    })));
  }

  private static ApplicationFailure fail(ActivityBoundary.Body<Object> body) {
    return assertThrows(
        ApplicationFailure.class, () -> ActivityBoundary.run("define x", URI, body));
  }
}
