package dev.ferry.evacuate;

import java.util.List;

/**
 * What an evacuation did besides moving statuses.
 *
 * @param fencing how the source was fenced, by whom (null until fenced)
 * @param disk {@code shared}, {@code none} or {@code rebuilt-from-base-image}
 * @param localDataLost true when the instance's host-local disk stayed on the dead host
 * @param notes what the operator should know (data loss, cleanup owed, ...)
 */
public record EvacuationDetails(
    String fenceMethod,
    String fencing,
    String disk,
    boolean localDataLost,
    long newEpoch,
    List<String> notes) {}
