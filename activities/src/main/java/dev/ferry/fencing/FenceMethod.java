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

  /**
   * Fails with {@link Fencing#notConfigured} when this method could not fence {@code request}'s
   * host as configured; touches nothing. An evacuation is refused on it before it starts.
   */
  default void requireConfigured(FenceRequest request) {}
}
