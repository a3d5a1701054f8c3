package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.TableWriter;
import dev.ferry.client.FerryClient;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry host cleanup <name> [--retry | --drop ID]}: what a host owes (stale copies its agent
 * must destroy), why an item failed, and the operator's way out of a failing item.
 */
@Command(
    name = "cleanup",
    description =
        "Show what a host owes (stale copies its agent destroys, at its start or as soon as they"
            + " arrive while it serves) and why an item failed; --retry sends the failed items"
            + " again, --drop takes one off the list without carrying it out.",
    mixinStandardHelpOptions = true)
public final class HostCleanupCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The host's name.")
  String name;

  @ArgGroup(exclusive = true)
  Action action;

  static final class Action {
    @Option(names = "--retry", description = "Send the failed items to the host's agent again.")
    boolean retry;

    @Option(
        names = "--drop",
        paramLabel = "ITEM-ID",
        description = "Take this item off the list, not carried out (removed by hand).")
    String drop;
  }

  /** One owed item as {@code --output json} prints it: the item and why it failed, if it did. */
  public record Owed(CleanupItem item, String failure) {}

  /** What {@code --output json} prints. */
  public record Owing(String host, boolean enabled, String disabledReason, List<Owed> items) {}

  @Override
  protected void validate() {
    Names.requireValidName("host", name);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    HostRecord host;
    String done = null;
    if (action != null && action.retry) {
      host = client.hosts().retryCleanup(name);
      done = "sent the failed items of host " + name + " to its agent again";
    } else if (action != null && action.drop != null) {
      host = client.hosts().dropCleanup(name, action.drop);
      done = "dropped cleanup item " + action.drop + " of host " + name + " (not carried out)";
    } else {
      host = client.hosts().get(name);
    }
    Map<String, String> failures = host.cleanupFailures == null ? Map.of() : host.cleanupFailures;
    List<Owed> owed = host.cleanup.stream().map(i -> new Owed(i, failures.get(i.id()))).toList();
    String said = done;
    out.emit(
        new Owing(host.name, host.enabled, host.disabledReason, owed),
        () -> {
          if (said != null) {
            out.println(said);
          }
          if (owed.isEmpty()) {
            out.println("host " + host.name + " owes no cleanup");
            return;
          }
          TableWriter t = TableWriter.of("ITEM", "KIND", "SERVER", "EPOCH<=", "REASON", "FAILED");
          for (Owed o : owed) {
            CleanupItem i = o.item();
            t.row(
                i.id(),
                i.kind(),
                i.instanceId(),
                i.epochAtMost(),
                i.reason(),
                o.failure() == null ? "-" : o.failure());
          }
          out.print(t);
          if (!failures.isEmpty()) {
            out.println(
                "retry with: ferry host cleanup "
                    + host.name
                    + " --retry; or, once removed by hand: ferry host cleanup "
                    + host.name
                    + " --drop ITEM");
          }
        });
    return 0;
  }
}
