package dev.ferry.evacuate;

import java.util.List;

/**
 * A host evacuation / drain's progress (its query) and result.
 *
 * @param kind {@code host-evacuation} or {@code host-drain}
 * @param status {@code running}, {@code done} (every move succeeded or was skipped), {@code
 *     partial} (some failed) or {@code timed-out}
 */
public record HostMovesView(
    String kind,
    String host,
    String status,
    int concurrency,
    int pending,
    int running,
    int done,
    int failed,
    int skipped,
    List<HostMoveItem> items) {}
