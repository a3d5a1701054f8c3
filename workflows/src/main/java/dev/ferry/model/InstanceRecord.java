package dev.ferry.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * The instance record kept by its InstanceWorkflow: the system of record for where an instance
 * lives and what it is. Mutable, carried across continue-as-new.
 */
public final class InstanceRecord {
  /** How many finished moves the record keeps; older ones are dropped to bound its size. */
  public static final int MAX_MOVES = 20;

  /** How many finished actions the record keeps. */
  public static final int MAX_ACTIONS = 20;

  public String id;
  public String name;
  public Flavor flavor;

  /**
   * Where the guest runs. A resize waiting in VERIFY_RESIZE has put it on the destination already
   * (as Nova's instance.host): {@link #resizedFromHost} and {@link #resizedFromFlavor} then say
   * where it came from and with what, until the move closes.
   */
  public String host;

  public String resizedFromHost;
  public Flavor resizedFromFlavor;

  /** The migratable inactive domain XML (never the secure XML), as last read from libvirt. */
  public String domainXml;

  /**
   * The base image of the host's image store the root disk was made from (Nova's image_ref); null
   * when it was made blank. An evacuation rebuilds a host-local disk from it.
   */
  public String baseImage;

  public String diskPath;
  public boolean sharedStorage;

  /**
   * A root disk of this size (MiB) is created for the instance when it is built (on the host's
   * shared instances directory when {@link #sharedStorage}); 0 = no disk. The build fills {@link
   * #diskPath}.
   */
  public long diskSizeMb;

  /** Set when the instance comes from `server adopt`: the existing domain's name. */
  public String adoptedDomain;

  public VmState vmState = VmState.BUILDING;
  public TaskState taskState = TaskState.NONE;
  public PowerState powerState = PowerState.NOSTATE;

  /** Increases with every move that changes the instance's host: tells stale copies apart. */
  public long epoch;

  public String currentMoveId;
  public MoveType currentMoveType;
  public String currentMoveStatus;
  public long currentMoveStartedAtMillis;
  public List<MoveSummary> moves = new ArrayList<>();

  /** The server action under way (stop, pause, reboot...): it holds the lock as a move does. */
  public String currentActionId;

  public ServerAction currentAction;
  public String currentActionBy;
  public long currentActionStartedAtMillis;

  /** The last actions, newest last, at most {@link #MAX_ACTIONS}. */
  public List<ActionSummary> actions = new ArrayList<>();

  public String lastError;

  /** What the last move wants the operator to know and is no error (e.g. local data lost). */
  public String note;

  /**
   * The current evacuation's id when its source host destroyed the stale copy before the move
   * closed: its summary is recorded {@code completed} at once when it closes {@code done}.
   */
  public String evacuationCompletedEarly;

  public long createdAtMillis;

  /**
   * Why the build was refused before anything was created (e.g. UNKNOWN_IMAGE); the instance is
   * then DELETED. Null otherwise.
   */
  public FerryRejection.Reason buildRefusal;

  /** A move or an action holds the instance: nothing else may start. */
  @JsonIgnore
  public boolean isBusy() {
    return currentMoveId != null || currentActionId != null;
  }

  /** What holds the instance, for messages: {@code move <id>} or {@code <action> <id>}. */
  @JsonIgnore
  public String holder() {
    if (currentMoveId != null) {
      return "move " + currentMoveId;
    }
    return currentActionId == null ? null : currentAction.novaName() + " " + currentActionId;
  }

  public void addAction(ActionSummary summary) {
    if (actions == null) {
      actions = new ArrayList<>();
    }
    actions.removeIf(a -> a.actionId().equals(summary.actionId()));
    actions.add(summary);
    while (actions.size() > MAX_ACTIONS) {
      actions.remove(0);
    }
  }

  public void addMove(MoveSummary summary) {
    moves.removeIf(m -> m.moveId().equals(summary.moveId()));
    moves.add(summary);
    while (moves.size() > MAX_MOVES) {
      moves.remove(0);
    }
  }
}
