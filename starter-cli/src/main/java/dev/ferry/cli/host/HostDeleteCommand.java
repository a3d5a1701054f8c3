package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry host delete <name>}: Nova's {@code compute service delete}. */
@Command(
    name = "delete",
    description =
        "Delete a host that is gone for good: refused while its agent runs, a server is on it,"
            + " it owes clean-ups or a live migration holds its slot. An agent registering under"
            + " its name later brings it back.",
    mixinStandardHelpOptions = true)
public final class HostDeleteCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The host's name.")
  String name;

  /** What {@code --output json} prints. */
  public record Deleted(String host, boolean deleted) {}

  @Override
  protected void validate() {
    Names.requireValidName("host", name);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    client.hosts().delete(name);
    out.emit(new Deleted(name, true), "deleted host " + name);
    return 0;
  }
}
