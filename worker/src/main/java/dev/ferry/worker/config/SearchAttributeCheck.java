package dev.ferry.worker.config;

import dev.ferry.move.SearchAttributeNames;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc.OperatorServiceBlockingStub;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At conductor start: Ferry's search attributes ({@link SearchAttributeNames}) must exist as
 * Keyword on its namespace. Without them a move's first upsert fails its workflow task over and
 * over, so every move would hang: better to refuse to start, with the commands that fix it.
 */
public final class SearchAttributeCheck {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributeCheck.class);

  private SearchAttributeCheck() {}

  /**
   * Lists the namespace's search attributes over {@code service}'s connection.
   *
   * @throws IllegalStateException one line: what is missing and the commands that create it
   */
  public static void require(WorkflowServiceStubs service, FerryProperties.Temporal temporal) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      require(
          operator
              .blockingStub()
              .withDeadlineAfter(temporal.connectTimeout().toMillis(), TimeUnit.MILLISECONDS),
          temporal.namespace(),
          temporal.target());
    } finally {
      operator.shutdown();
    }
  }

  static void require(OperatorServiceBlockingStub operator, String namespace, String target) {
    Map<String, IndexedValueType> custom;
    try {
      custom =
          operator
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
              .getCustomAttributesMap();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        // Temporal's Java test server (the embedded engine registers them itself).
        log.info("Temporal at {} does not list search attributes: Ferry's are not checked", target);
        return;
      }
      throw new IllegalStateException(
          "cannot list the search attributes of namespace "
              + namespace
              + " on Temporal at "
              + target
              + ": "
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? ""
                  : " (" + e.getStatus().getDescription() + ")"),
          e);
    }
    String problem = problem(custom, namespace, target);
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    log.debug("Ferry's search attributes exist on namespace {}", namespace);
  }

  /** What is wrong with the namespace's custom search attributes, in one line; null: nothing. */
  static String problem(Map<String, IndexedValueType> custom, String namespace, String target) {
    List<String> missing = new ArrayList<>();
    List<String> mistyped = new ArrayList<>();
    for (String name : SearchAttributeNames.ALL) {
      IndexedValueType type = custom.get(name);
      if (type == null) {
        missing.add(name);
      } else if (type != IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD) {
        mistyped.add(name + " is " + typeName(type));
      }
    }
    if (missing.isEmpty() && mistyped.isEmpty()) {
      return null;
    }
    StringBuilder b =
        new StringBuilder("namespace ")
            .append(namespace)
            .append(" on Temporal at ")
            .append(target)
            .append(" lacks Ferry's search attributes: ");
    if (!missing.isEmpty()) {
      b.append(String.join(", ", missing)).append(" missing; create them: ");
      List<String> commands = new ArrayList<>();
      for (String name : missing) {
        commands.add(
            "temporal operator search-attribute create --namespace "
                + namespace
                + " --name "
                + name
                + " --type Keyword --address "
                + target);
      }
      b.append(String.join(" && ", commands));
    }
    if (!mistyped.isEmpty()) {
      b.append(missing.isEmpty() ? "" : "; ")
          .append(String.join(", ", mistyped))
          .append(", Ferry needs Keyword: remove and create them as Keyword");
    }
    return b.append("; then start the conductor again").toString();
  }

  /** {@code INDEXED_VALUE_TYPE_TEXT} as the temporal CLI spells it: {@code Text}. */
  private static String typeName(IndexedValueType type) {
    StringBuilder b = new StringBuilder();
    for (String part : type.name().replace("INDEXED_VALUE_TYPE_", "").split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase());
    }
    return b.toString();
  }
}
