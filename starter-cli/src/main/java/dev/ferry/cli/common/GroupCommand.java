package dev.ferry.cli.common;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: run alone, it is a usage error (exit 2). */
public abstract class GroupCommand implements Runnable {
  @Spec protected CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "missing subcommand: one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
