package dev.ferry.fencing;

import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.FenceRequest;
import dev.ferry.evacuate.FenceResult;
import dev.ferry.evacuate.FencingActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing on the conductor: dispatches to the requested method (or the configured default). Each
 * fencing is logged with who asked, as an audit record.
 */
public class FencingActivitiesImpl implements FencingActivities {
  private static final Logger log = LoggerFactory.getLogger(FencingActivitiesImpl.class);

  private final Map<String, FenceMethod> methods = new LinkedHashMap<>();
  private final String defaultMethod;

  public FencingActivitiesImpl(FencingConfig config) {
    this(config, BmcClient.NONE);
  }

  public FencingActivitiesImpl(FencingConfig config, BmcClient bmcClient) {
    this(
        config.defaultMethod(),
        List.of(
            new ConfirmedOffFence(),
            new LibvirtDestroyFence(config.libvirtUris(), config.libvirtOpenTimeout()),
            new BmcFence(FenceMethods.IPMI, config.bmcs(), bmcClient),
            new BmcFence(FenceMethods.REDFISH, config.bmcs(), bmcClient)));
  }

  /** Any set of methods (tests, or a deployment adding its own). */
  public FencingActivitiesImpl(String defaultMethod, List<FenceMethod> methods) {
    for (FenceMethod m : methods) {
      this.methods.put(m.name(), m);
    }
    this.defaultMethod = defaultMethod;
  }

  /**
   * Fails as {@link #fence} would before fencing anything (an unknown method, one not configured
   * for the host), touching nothing: an evacuation is refused on it before it starts.
   */
  public void requireConfigured(FenceRequest request) {
    method(request).requireConfigured(request);
  }

  @Override
  public FenceResult fence(FenceRequest request) {
    FenceMethod method = method(request);
    String name = method.name();
    log.info(
        "fencing host {} for instance {} by {} (asked by {})",
        request.host(),
        request.instanceId(),
        name,
        request.actor());
    try {
      FenceResult result = method.fence(request);
      log.info("fenced host {}: {}", request.host(), result.summary());
      return result;
    } catch (RuntimeException e) {
      log.warn("fencing host {} by {} failed: {}", request.host(), name, e.getMessage());
      throw e;
    }
  }

  private FenceMethod method(FenceRequest request) {
    String name =
        request.method() == null || request.method().isBlank()
            ? defaultMethod
            : request.method().trim().toLowerCase(Locale.ROOT);
    FenceMethod method = methods.get(name);
    if (method == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "unknown fencing method '"
              + name
              + "'; known methods: "
              + String.join(", ", methods.keySet()),
          FenceMethods.UNKNOWN_METHOD);
    }
    return method;
  }
}
