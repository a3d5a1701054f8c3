package dev.ferry.fencing;

import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.FenceRequest;
import dev.ferry.evacuate.FenceResult;

/**
 * The operator's word that the host is powered off (Nova's "make sure the host is down before
 * evacuating"). Recorded with who said so; refused without a name.
 */
public final class ConfirmedOffFence implements FenceMethod {
  @Override
  public String name() {
    return FenceMethods.CONFIRMED_OFF;
  }

  @Override
  public void requireConfigured(FenceRequest request) {
    if (request.actor() == null || request.actor().isBlank() || "unknown".equals(request.actor())) {
      throw Fencing.notConfigured(
          "confirmed-off needs to know who confirms that host "
              + request.host()
              + " is powered off");
    }
  }

  @Override
  public FenceResult fence(FenceRequest request) {
    requireConfigured(request);
    return new FenceResult(
        name(),
        request.host(),
        "operator " + request.actor() + " confirmed host " + request.host() + " is powered off");
  }
}
