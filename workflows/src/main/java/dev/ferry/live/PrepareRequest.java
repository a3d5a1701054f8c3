package dev.ferry.live;

import java.util.List;

/**
 * pre_live_migration on the destination: for a block migration, create the disks the job copies
 * into (same path, format and virtual size); otherwise check the shared disks are visible.
 */
public record PrepareRequest(
    String moveId, String instanceId, boolean blockMigration, List<DiskInfo> disks) {}
