package dev.ferry.model;

/** A move tells its instance about a status change (signal). */
public record MoveProgress(
    String moveId, String status, VmState vmState, TaskState taskState, PowerState powerState) {}
