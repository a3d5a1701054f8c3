package dev.ferry.cli.live;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Durations;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.follow.Follower;
import dev.ferry.client.FerryClient;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.model.BlockMigration;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.Names;
import dev.ferry.model.TimeoutAction;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry live-migrate <server> [--host H] [--block-migrate auto|true|false] [--wait]}: Nova's
 * os-migrateLive. Returns once the pre-checks passed (a refusal is exit 1 with its reason); with
 * {@code --wait} it follows the migration to its end.
 */
@Command(
    name = "live-migrate",
    description =
        "Live-migrate a running (or paused) server to another host; it keeps running. Without"
            + " --host, placement proposes a destination and the next one is tried when a check"
            + " fails.",
    mixinStandardHelpOptions = true)
public final class LiveMigrateCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Destination host (default: placement proposes).")
  String host;

  @Option(
      names = "--block-migrate",
      paramLabel = "auto|true|false",
      description =
          "Copy the disks too: auto (when they are not on storage both hosts share), true, false"
              + " (default: auto).")
  String blockMigrate;

  @Option(names = "--bandwidth", paramLabel = "MIB/S", description = "Cap, 0 = unlimited.")
  Long bandwidth;

  @Option(names = "--max-downtime", paramLabel = "MS", description = "Longest switch-over pause.")
  Long maxDowntime;

  @Option(
      names = "--completion-timeout",
      paramLabel = "S/GIB",
      description = "Seconds per GiB of RAM (+ copied disk) before the timeout action; 0 = none.")
  Long completionTimeout;

  @Option(
      names = "--timeout-action",
      paramLabel = "abort|force-complete",
      description = "What the completion timeout does.")
  String timeoutAction;

  @Option(
      names = "--progress-timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "Abort when no progress for this long (90s, 5m); 0 = off.")
  Duration progressTimeout;

  @Option(
      names = "--auto-converge",
      negatable = true,
      description = "Let QEMU throttle the guest so the copy converges.")
  Boolean autoConverge;

  @Option(
      names = "--post-copy",
      negatable = true,
      description = "Permit switching to post-copy (force-complete, timeout action).")
  Boolean postCopy;

  @Option(
      names = "--max-retries",
      paramLabel = "N",
      description = "Without --host: further candidates to try when one fails its checks.")
  Integer maxRetries;

  @Option(names = "--wait", description = "Follow the migration (progress, statuses) to its end.")
  boolean await;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      defaultValue = "1h",
      converter = Durations.class,
      description = "How long --wait waits (default: ${DEFAULT-VALUE}; 90s, 30m, 1h, 7d).")
  Duration waitTimeout;

  @Override
  protected void validate() {
    if (host != null) {
      Names.requireValidName("host", host);
    }
    String invalid = options().invalidReason();
    if (invalid != null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, invalid);
    }
  }

  LiveMigrationOptions options() {
    BlockMigration block;
    try {
      block = blockMigrate == null ? null : BlockMigration.parse(blockMigrate);
    } catch (IllegalArgumentException e) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, e.getMessage());
    }
    return new LiveMigrationOptions(
        block,
        bandwidth,
        maxDowntime,
        completionTimeout,
        timeoutAction(),
        progressTimeout == null ? null : progressTimeout.toSeconds(),
        autoConverge,
        postCopy,
        maxRetries,
        null);
  }

  private TimeoutAction timeoutAction() {
    if (timeoutAction == null) {
      return null;
    }
    return switch (timeoutAction.trim().toLowerCase(Locale.ROOT)) {
      case "abort" -> TimeoutAction.ABORT;
      case "force-complete", "force_complete" -> TimeoutAction.FORCE_COMPLETE;
      default ->
          throw new FerryRejection(
              Reason.INVALID_ARGUMENT,
              "the timeout action must be abort or force-complete, not '" + timeoutAction + "'");
    };
  }

  @Override
  protected int run(FerryClient client, Output out) {
    String moveId = client.live().migrate(server, host, options());
    LiveMigrationView checked = client.live().awaitChecks(moveId, Duration.ofMinutes(5));
    if (!await) {
      out.emit(
          new LiveMigrationStarted(
              moveId, Names.moveWorkflowId(moveId), server, checked.destHost(), checked.status()),
          "live migration "
              + moveId
              + " of server "
              + server
              + " to "
              + checked.destHost()
              + " is "
              + checked.status()
              + (checked.queued() ? " (waiting for an outbound slot)" : "")
              + "; follow it with: ferry migration show "
              + moveId);
      return 0;
    }
    LiveMigrationView done =
        new Follower(client)
            .live(
                moveId,
                server,
                waitTimeout,
                new LiveProgress(client.live(), out, moveId, out.updatesInPlace()));
    out.emit(
        done,
        () -> {
          out.println(
              "server "
                  + server
                  + " now runs on "
                  + done.destHost()
                  + (done.totalTimeMs() != null
                      ? " (job "
                          + done.totalTimeMs()
                          + " ms, downtime "
                          + (done.downtimeMs() == null ? "?" : done.downtimeMs())
                          + " ms)"
                      : ""));
        });
    return 0;
  }
}
