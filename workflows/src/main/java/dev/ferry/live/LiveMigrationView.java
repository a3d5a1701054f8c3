package dev.ferry.live;

import dev.ferry.model.LiveMigrationOptions;
import java.util.List;

/**
 * A live migration as its {@code live} query answers: status plus what `ferry migration show`
 * prints besides the status log. Job progress (bytes, rate, iteration) is not here: it is the job
 * activity's heartbeat, read from DescribeWorkflowExecution (a query cannot see it).
 *
 * @param checksPassed the pre-checks passed (the move queues for, or holds, the source's slot)
 * @param queued waiting for an outbound slot on the source
 * @param rejection the typed reason a pre-check refused, e.g. {@code HYPERVISOR_INCOMPATIBLE}
 * @param candidatesRefused destinations placement proposed that failed their checks, with why
 * @param totalTimeMs the completed job's time as the destination recorded it
 * @param downtimeMs the completed job's downtime as the destination recorded it
 */
public record LiveMigrationView(
    String moveId,
    String instanceId,
    String instanceName,
    String sourceHost,
    String destHost,
    String status,
    boolean finished,
    boolean checksPassed,
    boolean queued,
    Boolean sharedStorage,
    Boolean blockMigration,
    LiveMigrationOptions options,
    String rejection,
    List<String> candidatesRefused,
    String abortRequestedBy,
    String forcedBy,
    boolean postCopy,
    Long totalTimeMs,
    Long downtimeMs,
    String error) {}
