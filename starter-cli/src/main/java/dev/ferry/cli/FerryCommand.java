package dev.ferry.cli;

import dev.ferry.cli.common.CommandRoot;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.OutputFormat;
import dev.ferry.cli.evacuate.EvacuateCommand;
import dev.ferry.cli.flavor.FlavorCommand;
import dev.ferry.cli.history.HistoryCommand;
import dev.ferry.cli.host.HostCommand;
import dev.ferry.cli.live.LiveMigrateCommand;
import dev.ferry.cli.live.LiveMigrationCommand;
import dev.ferry.cli.move.MigrateCommand;
import dev.ferry.cli.move.MigrationCommand;
import dev.ferry.cli.move.ResizeCommand;
import dev.ferry.cli.move.ResizeConfirmCommand;
import dev.ferry.cli.move.ResizeRevertCommand;
import dev.ferry.cli.server.ServerCommand;
import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryClientOptions;
import java.io.PrintWriter;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ferry}: the root command. Holds the global options (usable before or after a subcommand)
 * and how to reach Ferry; every subcommand is its own small class.
 *
 * <p>Exit status: see {@link ExitStatus}; every error is one line {@code ferry: error: ...} on
 * stderr (with a stack trace when {@code FERRY_DEBUG=1}).
 */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    versionProvider = FerryCommand.Version.class,
    description = "Durable server migrations for libvirt hosts, orchestrated by Temporal.",
    subcommands = {
      HostCommand.class,
      ServerCommand.class,
      FlavorCommand.class,
      MigrateCommand.class,
      EvacuateCommand.class,
      ResizeCommand.class,
      ResizeConfirmCommand.class,
      ResizeRevertCommand.class,
      MigrationCommand.class,
      LiveMigrateCommand.class,
      LiveMigrationCommand.class,
      HistoryCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FerryCommand implements Runnable, CommandRoot {

  // No defaultValue on inherited options: a subcommand's default would overwrite a value given
  // before it. Null means "the default".
  @Option(
      names = "--target",
      scope = ScopeType.INHERIT,
      paramLabel = "HOST:PORT",
      description = "Temporal frontend (default: $FERRY_TEMPORAL_TARGET or localhost:7233).")
  String target;

  @Option(
      names = "--namespace",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "Temporal namespace (default: $FERRY_TEMPORAL_NAMESPACE or default).")
  String namespace;

  @Option(
      names = "--output",
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: table).")
  OutputFormat output;

  @Spec CommandSpec spec;

  private final Function<FerryClientOptions, FerryClient> connector;
  private final boolean debug;

  public FerryCommand() {
    this(FerryClient::connect, "1".equals(System.getenv("FERRY_DEBUG")));
  }

  /** A root command reaching Ferry through {@code connector} (tests: an in-process client). */
  public FerryCommand(Function<FerryClientOptions, FerryClient> connector, boolean debug) {
    this.connector = connector;
    this.debug = debug;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  @Override
  public FerryClient connect() {
    return connector.apply(
        FerryClientOptions.defaults().withTarget(target).withNamespace(namespace));
  }

  @Override
  public Output output() {
    return new Output(spec.commandLine().getOut(), output == null ? OutputFormat.table : output);
  }

  /**
   * The configured command line: one line for a refusal or failure (its {@link ExitStatus}) and for
   * a usage error ({@link ExitStatus#USAGE}).
   */
  public static CommandLine commandLine(FerryCommand root) {
    CommandLine cl = new CommandLine(root);
    cl.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading(
            "%nExit status (an error is one line 'ferry: error: ...' on stderr; 2 to 5 are"
                + " refusals, which change nothing):%n")
        .exitCodeList(ExitStatus.help());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          PrintWriter err = cmd.getErr();
          err.println("ferry: error: " + Errors.message(ex));
          if (root.debug) {
            ex.printStackTrace(err);
          }
          err.flush();
          return ExitStatus.of(ex);
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          PrintWriter err = cmd.getErr();
          err.println("ferry: error: " + Errors.oneLine(ex.getMessage()));
          UnmatchedArgumentException.printSuggestions(ex, err);
          err.println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
          err.flush();
          return ExitStatus.USAGE;
        });
    return cl;
  }

  public static void main(String[] args) {
    FerryCommand root = new FerryCommand();
    quietJavaLogging(root.debug);
    System.exit(commandLine(root).execute(args));
  }

  /**
   * gRPC logs through java.util.logging, e.g. a target whose name does not resolve as a warning
   * with a 25-line stack trace, before the call fails; the CLI reports that failure in its one
   * line, so java.util.logging says nothing unless {@code FERRY_DEBUG=1}.
   */
  static void quietJavaLogging(boolean debug) {
    if (!debug) {
      LogManager.getLogManager().reset();
      Logger.getLogger("").setLevel(Level.OFF);
    }
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FerryCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ferry " + (v != null ? v : "(development build)")};
    }
  }
}
