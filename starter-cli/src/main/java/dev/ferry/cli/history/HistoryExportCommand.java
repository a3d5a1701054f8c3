package dev.ferry.cli.history;

import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Output;
import dev.ferry.client.FerryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry history export <workflow-id> [-o file]}: always Temporal's JSON. */
@Command(
    name = "export",
    description =
        "Write a workflow's history as Temporal JSON (replayable with WorkflowReplayer), to stdout"
            + " or a file.",
    mixinStandardHelpOptions = true)
public final class HistoryExportCommand extends ClientCommand {
  @Parameters(
      paramLabel = "WORKFLOW-ID",
      description = "e.g. host:<name>, instance:<uuid>, move:<uuid>, ferry-placement.")
  String workflowId;

  @Option(
      names = {"-o", "--file"},
      paramLabel = "FILE",
      description = "Write to this file instead of stdout.")
  Path file;

  @Override
  protected int run(FerryClient client, Output out) throws Exception {
    String json = client.exportHistory(workflowId);
    if (file == null) {
      out.println(json);
      return 0;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, json, StandardCharsets.UTF_8);
    out.println("wrote the history of " + workflowId + " to " + file);
    return 0;
  }
}
