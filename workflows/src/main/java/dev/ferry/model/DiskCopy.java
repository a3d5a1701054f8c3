package dev.ferry.model;

/**
 * What a disk copy did.
 *
 * @param bytes bytes streamed from the source volume to the destination volume
 * @param capacityBytes the disk's virtual size
 * @param millis how long the stream took
 * @param attempt the activity attempt that copied (2+ after an agent restart or a failure)
 */
public record DiskCopy(String path, long bytes, long capacityBytes, long millis, int attempt) {}
