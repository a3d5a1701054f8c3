package dev.ferry.move;

import dev.ferry.model.ClaimRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.Resources;
import dev.ferry.model.Settings;
import java.util.List;

/**
 * The claim a move makes at its destination, in one place: the move's pre-flight asks placement
 * about the very claim the move then makes, so the two cannot disagree.
 */
public final class MoveClaims {
  private MoveClaims() {}

  /** Only a resize may stay on its host, and only when the cluster allows it (Nova's setting). */
  public static boolean sameHostAllowed(MoveType type, Settings settings) {
    return type == MoveType.RESIZE && settings.allowResizeToSameHost();
  }

  /**
   * {@code resources} on {@code destHost} (null: placement picks), never on the source unless a
   * resize may stay there, on a host that runs the source's hypervisor.
   */
  public static ClaimRequest request(
      String moveId, Resources resources, String destHost, String source, boolean mayStay) {
    return new ClaimRequest(
            Names.moveWorkflowId(moveId),
            resources,
            destHost,
            mayStay ? List.of() : List.of(source))
        .like(source);
  }
}
