package dev.ferry.evacuate;

/** A move a host evacuation / drain waits on. */
public record MoveRef(String instanceId, String moveId) {}
