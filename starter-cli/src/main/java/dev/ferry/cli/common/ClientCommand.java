package dev.ferry.cli.common;

import dev.ferry.client.FerryClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to Ferry: connects with the global options, runs, closes. */
public abstract class ClientCommand implements Callable<Integer> {

  @Spec protected CommandSpec spec;

  protected CommandRoot root() {
    return (CommandRoot) spec.root().userObject();
  }

  @Override
  public final Integer call() throws Exception {
    CommandRoot root = root();
    validate();
    try (FerryClient client = root.connect()) {
      return run(client, root.output());
    }
  }

  /**
   * Checks what can be checked without Ferry (names, flavors) before connecting, so bad input is
   * refused at once; throws {@link dev.ferry.model.FerryRejection}. The client checks again.
   */
  protected void validate() {}

  /** Does the work; returns the exit status. Refusals and failures are thrown. */
  protected abstract int run(FerryClient client, Output out) throws Exception;
}
