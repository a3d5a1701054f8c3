package dev.ferry.hypervisor.libvirt.live;

import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.live.LiveMigrationHostActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The live activities on libvirt's {@code test:///default}, registered in a test activity
 * environment: calls and failures cross Temporal's data converter as a workflow sees them. One
 * attempt per call, so a failure arrives as the activity threw it.
 */
final class TestLiveHost implements AutoCloseable {

  /** The domain test:///default runs. */
  static final String ID = "6695eb01-f6a4-8304-79aa-97f2502e193f";

  final LibvirtConnection connection = LibvirtConnection.open("test:///default");
  final TestActivityEnvironment env = TestActivityEnvironment.newInstance();
  final LiveMigrationHostActivities activities;

  TestLiveHost(
      LiveMigrationJob.Signaller signaller,
      MigrationDriver.Factory drivers,
      Function<String, Path> localPath,
      Duration poll) {
    env.registerActivitiesImplementations(
        new LiveHostActivitiesImpl(connection, signaller, drivers, localPath, poll));
    activities =
        env.newActivityStub(
            LiveMigrationHostActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(Duration.ofSeconds(5))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  /** A host whose paths are those under {@code root}. */
  static Function<String, Path> under(Path root) {
    return p -> p.startsWith("/") ? root.resolve(p.substring(1)) : root.resolve(p);
  }

  @Override
  public void close() {
    env.close();
    connection.close();
  }
}
