package dev.ferry.cli.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Prints a command's result: the table rendering, or with {@code --output json} the same object
 * through Jackson's pretty printer.
 */
public final class Output {
  private final PrintWriter out;
  private final OutputFormat format;

  public Output(PrintWriter out, OutputFormat format) {
    this.out = out;
    this.format = format;
  }

  public boolean isJson() {
    return format == OutputFormat.json;
  }

  /**
   * A followed move's progress is one line updated in place: on a terminal, and never with {@code
   * --output json} (whose output is the end result alone).
   */
  public boolean updatesInPlace() {
    return System.console() != null && !isJson();
  }

  public PrintWriter writer() {
    return out;
  }

  /** Prints {@code value} as JSON, or runs {@code table} to print it for people. */
  public void emit(Object value, Runnable table) {
    if (isJson()) {
      out.println(toJson(value));
    } else {
      table.run();
    }
    out.flush();
  }

  /** Prints {@code value} as JSON, or {@code text} for people. */
  public void emit(Object value, String text) {
    emit(value, () -> out.println(text));
  }

  public void println(String line) {
    out.println(line);
    out.flush();
  }

  public void print(TableWriter table) {
    table.print(out);
    out.flush();
  }

  public static String toJson(Object value) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * One JSON object with the fields of every part in turn (each as {@link #toJson} renders it; a
   * null part adds nothing). A key two parts both carry must have the same value there: merging
   * never hides a disagreement.
   */
  public static Map<String, Object> merged(Object... parts) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Object part : parts) {
      if (part == null) {
        continue;
      }
      Map<String, Object> more = Json.MAPPER.convertValue(part, FIELDS);
      more.forEach(
          (key, value) -> {
            if (fields.containsKey(key) && !Objects.equals(fields.get(key), value)) {
              throw new IllegalStateException(
                  "JSON field '" + key + "' is " + fields.get(key) + " and " + value);
            }
            fields.put(key, value);
          });
    }
    return fields;
  }

  private static final TypeReference<LinkedHashMap<String, Object>> FIELDS =
      new TypeReference<>() {};

  /**
   * Built on first use only: Jackson costs start-up time a table does not need. Durations (a host's
   * lease period) print as ISO-8601, e.g. {@code "PT10M"}.
   */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  }
}
