package dev.ferry.cli.history;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry history export <workflow-id> [--run-id R] [-o file]}: always Temporal's JSON; the
 * latest run, or the run {@code --run-id} names (e.g. one that continued as new).
 */
@Command(
    name = "export",
    description =
        "Write a workflow's history as Temporal JSON (replayable with WorkflowReplayer), to stdout"
            + " or a file: its latest run, or the run --run-id names.",
    mixinStandardHelpOptions = true)
public final class HistoryExportCommand extends ClientCommand {
  @Parameters(
      paramLabel = "WORKFLOW-ID",
      description = "e.g. host:<name>, instance:<uuid>, move:<uuid>, ferry-placement.")
  String workflowId;

  @Option(
      names = "--run-id",
      paramLabel = "RUN-ID",
      description =
          "Export this run instead of the latest, e.g. the run an entity continued as new from"
              + " (the latest run's first event names it: continuedExecutionRunId).")
  String runId;

  @Option(
      names = {"-o", "--file"},
      paramLabel = "FILE",
      description = "Write to this file instead of stdout.")
  Path file;

  @Override
  protected int run(FerryClient client, Output out) throws Exception {
    String json = client.history().export(workflowId, runId);
    if (file == null) {
      out.println(json);
      return 0;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, json, StandardCharsets.UTF_8);
    out.println(
        "wrote the history of "
            + workflowId
            + (runId == null || runId.isBlank() ? "" : " run " + runId.strip())
            + " to "
            + file);
    return 0;
  }
}
