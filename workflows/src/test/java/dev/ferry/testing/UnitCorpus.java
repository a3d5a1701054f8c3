package dev.ferry.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The unit corpus: the histories the unit tests of the move workflows leave in their test
 * environment, exported by {@link UnitCorpusRecorder} into {@code unit-histories/<TestClass>/} and
 * listed in each directory's {@code index.tsv} (file, workflow id, run id, workflow type, status).
 * Replayed by {@code UnitCorpusReplayTest}; CONTRIBUTING.md, "The unit corpus".
 */
public final class UnitCorpus {

  /** The system property that turns the recorder on. */
  public static final String RECORD_PROPERTY = "ferry.recordUnitCorpus";

  public static final String INDEX = "index.tsv";
  static final String HEADER = "file\tworkflow_id\trun_id\tworkflow_type\tstatus";

  private static final Path SOURCE = Path.of("src", "test", "resources", "unit-histories");

  private UnitCorpus() {}

  /** One recorded run: {@code dir} is its test class's directory name. */
  public record Row(
      String dir, String file, String workflowId, String runId, String type, String status) {

    /** The test method that left this history ({@code <method>-<type>[-<n>].json}). */
    public String testMethod() {
      return file.substring(0, file.indexOf('-'));
    }

    /** {@code <TestClass>/<file>}: how the replay test names it. */
    public String path() {
      return dir + "/" + file;
    }

    public boolean open() {
      return status.equals("open");
    }

    /** The history, with its workflow id (the Java test server leaves it out of the JSON). */
    public WorkflowExecutionHistory history() {
      try {
        return WorkflowExecutionHistory.fromJson(
            Files.readString(UnitCorpus.dir().resolve(dir).resolve(file), StandardCharsets.UTF_8),
            workflowId);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read unit history " + path(), e);
      }
    }

    String line() {
      return String.join("\t", file, workflowId, runId, type, status);
    }
  }

  /**
   * The corpus in the source tree (tests run in the module's directory), else the copy on the test
   * classpath.
   */
  public static Path dir() {
    if (Files.isDirectory(SOURCE)) {
      return SOURCE;
    }
    URL url = UnitCorpus.class.getResource("/unit-histories");
    if (url == null) {
      throw new IllegalStateException(
          "no unit-histories/ in src/test/resources or on the classpath");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where the recorder writes: the source tree only, so the histories can be committed. */
  static Path sourceDir() {
    if (!Files.isDirectory(SOURCE.getParent())) {
      throw new IllegalStateException(
          "record the unit corpus from the workflows module's directory (no "
              + SOURCE.getParent().toAbsolutePath()
              + ")");
    }
    return SOURCE;
  }

  /** The test class directories, sorted. */
  public static List<String> classDirs() {
    try (Stream<Path> list = Files.list(dir())) {
      return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every row of every class directory's index. */
  public static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (String dir : classDirs()) {
      rows.addAll(rows(dir().resolve(dir)));
    }
    return rows;
  }

  /** The rows of one class directory's index (none when it has no index yet). */
  static List<Row> rows(Path classDir) {
    Path index = classDir.resolve(INDEX);
    if (!Files.isRegularFile(index)) {
      return List.of();
    }
    List<Row> rows = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.equals(HEADER)) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 5) {
          throw new IllegalStateException(index + ": not 5 columns: " + line);
        }
        rows.add(new Row(classDir.getFileName().toString(), f[0], f[1], f[2], f[3], f[4]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  static void writeIndex(Path classDir, List<Row> rows) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    rows.stream().sorted(Comparator.comparing(Row::file)).map(Row::line).forEach(lines::add);
    Files.write(classDir.resolve(INDEX), lines, StandardCharsets.UTF_8);
  }

  /** {@code open}, or how the run closed: completed, failed, canceled, continued-as-new... */
  public static String status(WorkflowExecutionHistory history) {
    EventType last = history.getLastEvent().getEventType();
    String name = last.name();
    String prefix = "EVENT_TYPE_WORKFLOW_EXECUTION_";
    return switch (last) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
          EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
          EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
          EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
          EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
          EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ->
          name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
      default -> "open";
    };
  }

  /**
   * The converter the unit tests' clients and workers use (as the project's): records with derived
   * getters serialize a property their class cannot read back.
   */
  public static DataConverter tolerantJson() {
    ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper();
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(mapper));
  }
}
