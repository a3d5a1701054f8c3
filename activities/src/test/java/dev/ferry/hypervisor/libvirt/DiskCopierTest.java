package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.CopyProgress;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The disk copy's pump and its heartbeats, on fake stream ends: libvirt's test driver has no volume
 * streams (the copy itself is proven on the real test bed, e2e {@code RealTestbedIT}).
 */
@Timeout(30)
class DiskCopierTest {

  private static final int CHUNK = DiskCopier.CHUNK;

  @Test
  void heartbeatsCopyProgressBeforeTheFirstChunkAndAfterEach() throws Exception {
    byte[] volume = new byte[2 * CHUNK + 100];
    Arrays.fill(volume, (byte) 7);
    FakeEnds ends = new FakeEnds(volume);
    List<CopyProgress> beats = new CopyOnWriteArrayList<>();

    long copied =
        new DiskCopier(null, null, 0)
            .pump(ends, volume.length, System.nanoTime(), recording(beats));

    assertEquals(volume.length, copied);
    assertArrayEquals(volume, ends.written.toByteArray());
    assertEquals(
        List.of(0L, (long) CHUNK, 2L * CHUNK, (long) volume.length),
        beats.stream().map(CopyProgress::copiedBytes).toList());
    assertTrue(beats.stream().allMatch(b -> b.totalBytes() == volume.length), beats::toString);
    for (int i = 1; i < beats.size(); i++) {
      assertTrue(beats.get(i).elapsedMillis() >= beats.get(i - 1).elapsedMillis(), "elapsed grows");
    }
    assertTrue(ends.finished && ends.freed);
    assertFalse(ends.discarded, "a complete copy keeps its destination");
  }

  @Test
  void aFailedCopyDiscardsThePartialDestination() {
    FakeEnds ends = new FakeEnds(new byte[3 * CHUNK]);
    ends.failAtReceive = 2;

    assertThrows(
        IllegalStateException.class,
        () ->
            new DiskCopier(null, null, 0)
                .pump(
                    ends, 3L * CHUNK, System.nanoTime(), recording(new CopyOnWriteArrayList<>())));

    assertTrue(ends.discarded && ends.freed);
    assertFalse(ends.finished);
  }

  /**
   * Through Temporal's test environment, which throttles heartbeats as a worker does: a cancel
   * arrives as the answer to a heartbeat sent mid-copy, and the copy's next heartbeat ends it.
   */
  @Test
  void aCancelledCopyStopsAndDiscardsThePartialDestination() {
    FakeEnds endless = new FakeEnds(null);
    List<CopyProgress> beats = new CopyOnWriteArrayList<>();
    AtomicInteger receivesAtCancel = new AtomicInteger(-1);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(
          (PumpActivity)
              () ->
                  new DiskCopier(null, null, 64L * CHUNK) // 64 MiB/s: no busy loop
                      .pump(endless, -1, System.nanoTime(), Activity.getExecutionContext()));
      env.setActivityHeartbeatListener(
          CopyProgress.class,
          p -> {
            beats.add(p);
            if (p.copiedBytes() > 0 && receivesAtCancel.get() < 0) {
              receivesAtCancel.set(endless.receives);
              env.requestCancelActivity(); // answered to this very heartbeat
            }
          });
      PumpActivity copy =
          env.newActivityStub(
              PumpActivity.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(20))
                  .setHeartbeatTimeout(Duration.ofSeconds(1))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build());

      assertThrows(CanceledFailure.class, copy::pump);
    } finally {
      env.close();
    }

    assertEquals(0, beats.get(0).copiedBytes(), "the first heartbeat goes before any chunk");
    assertTrue(beats.size() >= 2 && beats.stream().allMatch(b -> b.totalBytes() == -1), "" + beats);
    assertTrue(endless.discarded, "the partial destination is deleted");
    assertTrue(endless.freed);
    assertFalse(endless.finished);
    assertTrue(
        endless.receives - receivesAtCancel.get() <= 1,
        "stopped at the heartbeat after the cancel: "
            + receivesAtCancel.get()
            + " chunks then, "
            + endless.receives
            + " in all");
  }

  @ActivityInterface
  public interface PumpActivity {
    @ActivityMethod
    long pump() throws Exception;
  }

  /** Records every heartbeat the copy makes (the SDK would throttle what it sends). */
  private static ActivityExecutionContext recording(List<CopyProgress> beats) {
    return (ActivityExecutionContext)
        Proxy.newProxyInstance(
            DiskCopierTest.class.getClassLoader(),
            new Class<?>[] {ActivityExecutionContext.class},
            (proxy, method, args) -> {
              if (method.getName().equals("heartbeat")) {
                beats.add((CopyProgress) args[0]);
                return null;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  /** A source of {@code volume}'s bytes (null: endless) and a destination that keeps them. */
  private static final class FakeEnds implements DiskCopier.Ends {
    private final byte[] volume;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    int read;
    volatile int receives;
    int failAtReceive = -1;
    boolean opened;
    boolean finished;
    boolean discarded;
    boolean freed;

    FakeEnds(byte[] volume) {
      this.volume = volume;
    }

    @Override
    public void open() {
      opened = true;
    }

    @Override
    public int receive(byte[] buf) {
      receives++;
      if (receives == failAtReceive) {
        throw new IllegalStateException("the source's libvirt went away");
      }
      int n = volume == null ? buf.length : Math.min(buf.length, volume.length - read);
      if (volume != null) {
        System.arraycopy(volume, read, buf, 0, n);
      }
      read += n;
      return n;
    }

    @Override
    public int send(byte[] chunk) {
      if (volume != null) {
        written.writeBytes(chunk);
      }
      return chunk.length;
    }

    @Override
    public void finish() {
      finished = true;
    }

    @Override
    public void discard() {
      discarded = true;
    }

    @Override
    public void free() {
      freed = true;
    }
  }
}
