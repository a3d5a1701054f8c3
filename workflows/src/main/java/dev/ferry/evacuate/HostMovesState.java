package dev.ferry.evacuate;

import java.util.ArrayList;
import java.util.List;

/** What a host evacuation / drain carries across continue-as-new. */
public final class HostMovesState {
  /** Seeds the child move ids (the first run's id): stable across crashes and continue-as-new. */
  public String seed;

  public boolean prepared;
  public long startedAtMillis;
  public long deadlineMillis;
  public List<HostMoveItem> items = new ArrayList<>();
}
