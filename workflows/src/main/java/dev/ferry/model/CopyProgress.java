package dev.ferry.model;

/**
 * A disk copy's heartbeat details: how far the stream is. Clients read them from the move
 * workflow's pending activity (a query cannot see heartbeats) to show bytes, rate and ETA.
 *
 * @param copiedBytes bytes streamed to the destination so far
 * @param totalBytes the source volume's physical size, what the stream carries; -1 when libvirt did
 *     not say
 * @param elapsedMillis since this attempt's stream began
 */
public record CopyProgress(long copiedBytes, long totalBytes, long elapsedMillis) {

  /** Average rate of this attempt so far; 0 before the first second of data. */
  public long bytesPerSecond() {
    return elapsedMillis <= 0 ? 0 : copiedBytes * 1000 / elapsedMillis;
  }

  /** Bytes still to stream; null when the total is unknown. */
  public Long remainingBytes() {
    return totalBytes < 0 ? null : Math.max(0, totalBytes - copiedBytes);
  }

  /** Remaining bytes at the average rate; null when either is unknown. */
  public Long etaSeconds() {
    Long remaining = remainingBytes();
    long rate = bytesPerSecond();
    return remaining == null || rate <= 0 ? null : (remaining + rate - 1) / rate;
  }

  /** Percent streamed, 0-100; null when the total is unknown. */
  public Integer percent() {
    if (totalBytes < 0) {
      return null;
    }
    return totalBytes == 0 ? 100 : (int) Math.min(100, copiedBytes * 100 / totalBytes);
  }
}
