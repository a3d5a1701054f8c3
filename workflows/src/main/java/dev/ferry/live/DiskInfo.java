package dev.ferry.live;

/** One disk of a domain as its source host sees it. */
public record DiskInfo(String target, String path, String format, long virtualSizeBytes) {}
