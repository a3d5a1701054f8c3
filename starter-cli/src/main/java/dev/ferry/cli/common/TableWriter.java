package dev.ferry.cli.common;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain-text columns, as kubectl prints them: a header row, cells padded to the widest one, three
 * spaces between columns, no trailing spaces. A null or empty cell prints as {@code -}.
 */
public final class TableWriter {
  private static final String GAP = "   ";

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  private TableWriter(List<String> headers) {
    this.headers = headers;
  }

  public static TableWriter of(String... headers) {
    return new TableWriter(List.of(headers));
  }

  /** Two columns without a header: {@code Key: value} lines for one object's details. */
  public static TableWriter details() {
    return new TableWriter(List.of());
  }

  public TableWriter row(Object... cells) {
    int width = headers.isEmpty() ? cells.length : headers.size();
    if (cells.length != width) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + width + " columns");
    }
    rows.add(Arrays.stream(cells).map(TableWriter::cell).toList());
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintWriter out) {
    List<List<String>> all = new ArrayList<>();
    if (!headers.isEmpty()) {
      all.add(headers);
    }
    all.addAll(rows);
    if (all.isEmpty()) {
      return;
    }
    int columns = all.get(0).size();
    int[] widths = new int[columns];
    for (List<String> r : all) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    for (List<String> r : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String c = r.get(i);
        line.append(c);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - c.length())).append(GAP);
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  public String render() {
    StringWriter s = new StringWriter();
    PrintWriter w = new PrintWriter(s);
    print(w);
    w.flush();
    return s.toString();
  }

  private static String cell(Object o) {
    if (o == null) {
      return "-";
    }
    String s = o.toString();
    return s.isEmpty() ? "-" : s.replaceAll("\\s*\\R\\s*", " ");
  }
}
