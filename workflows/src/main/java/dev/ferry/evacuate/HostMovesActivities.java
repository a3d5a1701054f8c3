package dev.ferry.evacuate;

import dev.ferry.model.HostRecord;
import dev.ferry.model.MoveRequest;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * What a host evacuation or drain asks of the entities, from the conductor (a workflow cannot send
 * an Update to another workflow). Rejections come back as non-retryable failures typed {@code
 * FerryRejection.<reason>}.
 */
@ActivityInterface(namePrefix = "HostMoves")
public interface HostMovesActivities {

  /** The instances whose record says they live on {@code host}, sorted by name. */
  List<InstanceBrief> instancesOn(String host);

  /**
   * The instance's {@code startMove} Update: returns the workflow id of the move that answers the
   * request, which is the request's own, or one already running (the same move id retried, or an
   * evacuation already under way). Rejected (e.g. INSTANCE_BUSY) non-retryably.
   */
  String startMove(MoveRequest request);

  /**
   * Long poll: returns the state of every listed move as soon as at least one of them has closed,
   * or after {@code maxWaitSeconds} (heartbeating meanwhile).
   */
  List<MoveState> awaitMoves(List<MoveRef> moves, int maxWaitSeconds);

  /** Disables the host for placement (the first step of a drain); returns its record. */
  HostRecord disableHost(String host, String reason);
}
