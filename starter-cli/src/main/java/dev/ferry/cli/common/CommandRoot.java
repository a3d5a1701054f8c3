package dev.ferry.cli.common;

import dev.ferry.client.FerryClient;

/**
 * What every command takes from the root command ({@code ferry} and its global options): how to
 * reach Ferry and how to print. A command finds it as its command line's root user object.
 */
public interface CommandRoot {
  /** Connects with the global options; the caller closes the client. */
  FerryClient connect();

  /** The output in the format the global options ask for. */
  Output output();
}
