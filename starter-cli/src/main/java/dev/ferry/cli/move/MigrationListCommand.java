package dev.ferry.cli.move;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.client.LiveMigrationClient;
import dev.ferry.client.MigrationListing;
import dev.ferry.client.MigrationQuery;
import dev.ferry.client.MigrationVocabulary;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.MoveType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code ferry migration list [--server S] [--host H] [--type T] [--status S] [--since D] [--limit
 * N]}: moves from Temporal's visibility store, as Nova's {@code migration list}.
 */
@Command(
    name = "list",
    description = {
      "List moves (per-server migrations, resizes, live migrations, evacuations; not the host"
          + " evacuation / drain that started them) from Temporal's visibility store: running"
          + " moves first, newest started first, then ended ones, most recently ended first;"
          + " at most --limit, fetched page by page. UPDATED is when a move ended ('-' while it"
          + " runs). Needs a real Temporal server (not the Java test server)."
    },
    mixinStandardHelpOptions = true)
public final class MigrationListCommand extends ClientCommand {
  @Option(names = "--server", paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Moves whose source or destination is this host.")
  String host;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      converter = MigrationFilters.Type.class,
      description = "migration (cold), resize, live-migration or evacuation.")
  MoveType type;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      converter = MigrationFilters.Status.class,
      description = "A move status in Nova's words, e.g. finished, confirmed, running, error.")
  String status;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      converter = MigrationFilters.Since.class,
      description =
          "Moves started since: a duration back from now (90s, 30m, 2h, 7d, 2w) or an ISO-8601 time"
              + " (2026-05-01T12:00:00Z, 2026-05-01 for midnight UTC).")
  Instant since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "" + MigrationQuery.DEFAULT_LIMIT,
      description =
          "At most N moves, 1 to " + MigrationQuery.MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  protected void validate() {
    if (limit < 1 || limit > MigrationQuery.MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(),
          "--limit must be 1 to " + MigrationQuery.MAX_LIMIT + ", not " + limit);
    }
    try {
      MigrationVocabulary.requireReportedBy(type, status);
    } catch (FerryRejection r) {
      throw new ParameterException(spec.commandLine(), r.getMessage());
    }
  }

  @Override
  protected int run(FerryClient client, Output out) {
    MigrationQuery query = new MigrationQuery(server, host, type, status, since, limit);
    List<MigrationListing> listings = client.moves().list(query);
    if (out.isJson()) {
      out.emit(json(client.live(), listings), "");
    } else {
      out.print(MigrationRow.table(listings.stream().map(MigrationRow::of).toList()));
    }
    return 0;
  }

  /** Each row's fields and its Nova fields; a running live migration's progress is asked for. */
  private static List<Map<String, Object>> json(
      LiveMigrationClient live, List<MigrationListing> listings) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (MigrationListing m : listings) {
      NovaMigration nova = NovaMigration.of(m, NovaMigration.listedProgress(live, m));
      rows.add(Output.merged(MigrationRow.of(m), nova));
    }
    return rows;
  }
}
