package dev.ferry.evacuate;

/** One instance of a host evacuation / drain and its move. Mutable workflow state. */
public final class HostMoveItem {
  /** Where the instance stands in the run. */
  public enum State {
    /** Waiting for a free slot of the concurrency limit. */
    PENDING,
    /** Its move was started (or found running) and is awaited. */
    RUNNING,
    DONE,
    FAILED,
    /** Not moved: its state does not allow this kind of move. */
    SKIPPED
  }

  public String instanceId;
  public String name;

  /** Derived from the run and the instance id: a resumed run asks for the same move again. */
  public String moveId;

  public State state = State.PENDING;
  public String moveStatus;
  public String detail;
  public long startedAtMillis;
  public long endedAtMillis;

  public HostMoveItem() {}

  public HostMoveItem(String instanceId, String name, String moveId) {
    this.instanceId = instanceId;
    this.name = name;
    this.moveId = moveId;
  }
}
