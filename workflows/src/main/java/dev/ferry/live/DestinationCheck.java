package dev.ferry.live;

import java.util.List;

/**
 * What the destination is asked to check (Nova's check_can_live_migrate_destination), with the
 * directories where it writes a probe file for the shared-storage test.
 */
public record DestinationCheck(
    String moveId, String instanceId, SourceFacts source, List<String> probeDirs) {}
