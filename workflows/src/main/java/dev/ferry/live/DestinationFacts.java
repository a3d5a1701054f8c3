package dev.ferry.live;

import java.util.List;
import java.util.Map;

/**
 * The destination's answer: it passed the checks, wrote these probe files (for the source to look
 * for), and has this much free space under each disk directory (or its nearest existing parent).
 */
public record DestinationFacts(
    String hypervisorType,
    long hypervisorVersion,
    String cpuComparison,
    List<String> probePaths,
    Map<String, Long> freeBytesByDir) {}
