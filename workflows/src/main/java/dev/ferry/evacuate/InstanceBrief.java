package dev.ferry.evacuate;

import dev.ferry.model.MoveType;
import dev.ferry.model.VmState;

/** An instance as a host evacuation / drain sees it when it lists the host. */
public record InstanceBrief(
    String id,
    String name,
    String host,
    VmState vmState,
    String currentMoveId,
    MoveType currentMoveType) {}
