package dev.ferry.hypervisor.libvirt;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.failure.ApplicationFailure;
import java.util.EnumSet;
import java.util.Set;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * The one reading of libvirt's errors for every libvirt activity of the agent: which error means
 * what, and the activity failure it becomes (retry what may pass, never what cannot).
 */
public final class LibvirtFailures {

  /** Failure type of a libvirt error worth retrying (a state race, a busy daemon). */
  public static final String LIBVIRT_ERROR = "LibvirtError";

  /** The input itself is wrong: a retry sends the same input. */
  private static final Set<ErrorNumber> INVALID_INPUT =
      EnumSet.of(
          ErrorNumber.VIR_ERR_XML_ERROR,
          ErrorNumber.VIR_ERR_XML_DETAIL,
          ErrorNumber.VIR_ERR_XML_INVALID_SCHEMA,
          ErrorNumber.VIR_ERR_CONFIG_UNSUPPORTED,
          ErrorNumber.VIR_ERR_INVALID_ARG,
          ErrorNumber.VIR_ERR_NO_OS,
          ErrorNumber.VIR_ERR_OS_TYPE,
          ErrorNumber.VIR_ERR_NO_KERNEL,
          ErrorNumber.VIR_ERR_NO_NAME);

  private LibvirtFailures() {}

  public static ErrorNumber code(LibvirtException e) {
    return e.getError() == null ? ErrorNumber.VIR_ERR_UNKNOWN : e.getError().getCode();
  }

  /** The domain looked up or acted on does not exist (any more). */
  public static boolean isNoDomain(LibvirtException e) {
    return code(e) == ErrorNumber.VIR_ERR_NO_DOMAIN;
  }

  /** The driver does not know a flag or an option we passed: try the plainer call. */
  public static boolean isUnsupported(LibvirtException e) {
    return switch (code(e)) {
      case VIR_ERR_NO_SUPPORT,
          VIR_ERR_INVALID_ARG,
          VIR_ERR_ARGUMENT_UNSUPPORTED,
          VIR_ERR_OPERATION_UNSUPPORTED ->
          true;
      default -> false;
    };
  }

  /**
   * Invalid input (a domain XML libvirt refuses, an invalid argument) is a non-retryable
   * INVALID_ARGUMENT rejection, a missing domain UNKNOWN_INSTANCE; any other error is a retryable
   * {@link #LIBVIRT_ERROR}.
   */
  public static ApplicationFailure toFailure(String what, String uri, LibvirtException e) {
    ErrorNumber code = code(e);
    String message = what + " failed on " + uri + ": " + e.getMessage() + " (" + code + ")";
    if (INVALID_INPUT.contains(code)) {
      return ApplicationFailure.newNonRetryableFailureWithCause(
          message, FerryRejection.TYPE_PREFIX + Reason.INVALID_ARGUMENT, e);
    }
    if (code == ErrorNumber.VIR_ERR_NO_DOMAIN) {
      return ApplicationFailure.newNonRetryableFailureWithCause(
          message, FerryRejection.TYPE_PREFIX + Reason.UNKNOWN_INSTANCE, e);
    }
    return ApplicationFailure.newFailureWithCause(message, LIBVIRT_ERROR, e);
  }
}
