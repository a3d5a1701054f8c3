package dev.ferry.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableWriterTest {
  @Test
  void padsColumnsToTheWidestCellWithoutTrailingSpaces() {
    String table =
        TableWriter.of("NAME", "STATUS", "NOTE")
            .row("a", "UP", "fine")
            .row("long-name", null, "")
            .render();
    assertEquals(
        "NAME        STATUS   NOTE\n" + "a           UP       fine\n" + "long-name   -        -\n",
        table);
  }

  @Test
  void detailsHaveNoHeader() {
    assertEquals(
        "Name:     web1\nStatus:   ACTIVE\n",
        TableWriter.details().row("Name:", "web1").row("Status:", "ACTIVE").render());
  }

  @Test
  void aCellStaysOnOneLine() {
    assertEquals("X\na b\n", TableWriter.of("X").row("a\n  b").render());
  }

  @Test
  void aRowMustMatchTheHeader() {
    assertThrows(IllegalArgumentException.class, () -> TableWriter.of("A", "B").row("only one"));
  }

  @Test
  void anEmptyTableStillHasItsHeader() {
    assertEquals("A   B\n", TableWriter.of("A", "B").render());
  }
}
