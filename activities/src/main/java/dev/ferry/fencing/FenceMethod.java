package dev.ferry.fencing;

import dev.ferry.evacuate.FenceRequest;
import dev.ferry.evacuate.FenceResult;

/**
 * One way of making sure an instance's copy on a failed host cannot run. Implementations fail with
 * {@link Fencing#notConfigured} (final) or {@link Fencing#failed} (retried); they never return
 * without having fenced.
 */
public interface FenceMethod {
  /** The name an evacuation asks for, e.g. {@code libvirt-destroy}. */
  String name();

  FenceResult fence(FenceRequest request);
}
