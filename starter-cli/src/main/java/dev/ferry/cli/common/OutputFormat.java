package dev.ferry.cli.common;

/** How results are printed ({@code --output}): a table for people, or JSON for scripts. */
public enum OutputFormat {
  table,
  json
}
