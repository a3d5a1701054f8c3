package dev.ferry.client;

import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;

/**
 * What {@link ServersClient#delete} did.
 *
 * @param record the server's final record (DELETED)
 * @param verifyResizeMove the resize or cold migration the server waited in VERIFY_RESIZE with,
 *     confirmed first (status {@code confirmed}, or how it ended when it was decided meanwhile);
 *     null when it waited for none
 */
public record ServerDeletion(InstanceRecord record, MoveSummary verifyResizeMove) {}
