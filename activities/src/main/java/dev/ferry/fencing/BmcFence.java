package dev.ferry.fencing;

import dev.ferry.evacuate.FenceRequest;
import dev.ferry.evacuate.FenceResult;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;

/**
 * Powers the failed host off through its BMC ({@code ipmi} or {@code redfish}), with the
 * credentials from the conductor's configuration ({@code ferry.fencing.bmc.<host>.*}). The
 * transport is the {@link BmcClient} seam.
 */
public final class BmcFence implements FenceMethod {
  private final String type;
  private final Map<String, BmcTarget> targets;
  private final BmcClient client;

  public BmcFence(String type, Map<String, BmcTarget> targets, BmcClient client) {
    this.type = type;
    this.targets = targets;
    this.client = client;
  }

  @Override
  public String name() {
    return type;
  }

  @Override
  public void requireConfigured(FenceRequest request) {
    BmcTarget target = targets.get(request.host());
    if (target == null || !type.equalsIgnoreCase(target.type())) {
      throw Fencing.notConfigured(
          type
              + " fencing is not configured for host "
              + request.host()
              + ": set ferry.fencing.bmc."
              + request.host()
              + ".{type="
              + type
              + ",address,username,password} on the conductor, or use another --fence method");
    }
    if (target.address() == null || target.address().isBlank()) {
      throw Fencing.notConfigured(
          type + " fencing of host " + request.host() + " has no BMC address configured");
    }
  }

  @Override
  public FenceResult fence(FenceRequest request) {
    requireConfigured(request);
    BmcTarget target = targets.get(request.host());
    try {
      client.powerOff(request.host(), target);
    } catch (ApplicationFailure f) {
      throw f;
    } catch (RuntimeException e) {
      throw Fencing.failed(
          type
              + " power-off of host "
              + request.host()
              + " through "
              + target.address()
              + " failed: "
              + e.getMessage(),
          e);
    }
    return new FenceResult(
        name(),
        request.host(),
        "host "
            + request.host()
            + " powered off through its BMC at "
            + target.address()
            + " ("
            + type
            + ")");
  }
}
