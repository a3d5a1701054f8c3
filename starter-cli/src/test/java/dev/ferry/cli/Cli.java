package dev.ferry.cli;

import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryClientOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;
import picocli.CommandLine;

/** TEST ONLY: runs {@code ferry} in-process and captures exit status, stdout and stderr. */
public final class Cli {
  public record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  public static Result run(Function<FerryClientOptions, FerryClient> connector, String... args) {
    return run(connector, false, args);
  }

  public static Result run(
      Function<FerryClientOptions, FerryClient> connector, boolean debug, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FerryCommand.commandLine(new FerryCommand(connector, debug));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** A connector that fails the test: parsing errors must not connect. */
  public static FerryClient neverConnect(FerryClientOptions options) {
    throw new AssertionError("connected although the command line was invalid");
  }
}
