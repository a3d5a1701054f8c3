package dev.ferry.client;

import static dev.ferry.move.SearchAttributeNames.DEST_HOST;
import static dev.ferry.move.SearchAttributeNames.INSTANCE_ID;
import static dev.ferry.move.SearchAttributeNames.MIGRATION_STATUS;
import static dev.ferry.move.SearchAttributeNames.MIGRATION_TYPE;
import static dev.ferry.move.SearchAttributeNames.SOURCE_HOST;

import com.google.protobuf.ByteString;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveSearchAttributes;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DataConverter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The visibility side of {@link MovesClient#list}: the query over Ferry's search attributes, the
 * paging through {@code ListWorkflowExecutions}, and the rows it reads back.
 */
final class MigrationSearch {
  /** Rows asked for per page; a smaller limit asks for just that many. */
  static final int PAGE_SIZE = 100;

  /**
   * The order of Temporal's SQL visibility store, which takes no ORDER BY: running moves first,
   * newest started first; then ended ones, most recently ended first.
   */
  static final Comparator<MigrationListing> VISIBILITY_ORDER =
      Comparator.comparing(MigrationListing::running)
          .reversed()
          .thenComparing(MigrationListing::ended, Comparator.nullsFirst(Comparator.reverseOrder()))
          .thenComparing(MigrationListing::created, Comparator.nullsLast(Comparator.reverseOrder()))
          .thenComparing(MigrationListing::moveId);

  private MigrationSearch() {}

  /**
   * The visibility query for {@code q}, the server already resolved to {@code instanceId}. Only
   * workflows with a {@code MigrationType} match: per-instance moves, as Nova's migration list; not
   * the host-evacuation / host-drain parents, which upsert none.
   */
  static String visibilityQuery(MigrationQuery q, String instanceId) {
    List<String> terms = new ArrayList<>();
    if (q.type() != null) {
      terms.add(equal(MIGRATION_TYPE, q.type().name()));
    } else {
      terms.add(
          MIGRATION_TYPE
              + " IN ("
              + Arrays.stream(MoveType.values())
                  .map(t -> literal(t.name()))
                  .collect(Collectors.joining(", "))
              + ")");
    }
    if (instanceId != null) {
      terms.add(equal(INSTANCE_ID, instanceId));
    }
    if (q.host() != null) {
      terms.add("(" + equal(SOURCE_HOST, q.host()) + " OR " + equal(DEST_HOST, q.host()) + ")");
    }
    if (q.status() != null) {
      List<String> reported = RecordedMove.reportedAs(q.type(), q.status());
      terms.add(
          reported.size() == 1
              ? equal(MIGRATION_STATUS, reported.get(0))
              : MIGRATION_STATUS
                  + " IN ("
                  + reported.stream()
                      .map(MigrationSearch::literal)
                      .collect(Collectors.joining(", "))
                  + ")");
    }
    if (q.since() != null) {
      terms.add("StartTime >= " + literal(q.since().toString()));
    }
    return String.join(" AND ", terms);
  }

  /**
   * Pages through {@code ListWorkflowExecutions} with its next-page tokens until {@code limit} rows
   * or the last page.
   */
  static List<WorkflowExecutionInfo> fetch(
      Function<ListWorkflowExecutionsRequest, ListWorkflowExecutionsResponse> service,
      String namespace,
      String query,
      int limit) {
    return fetch(service, namespace, query, limit, info -> true);
  }

  /** As {@link #fetch}, counting and returning only the rows {@code keep} accepts. */
  static List<WorkflowExecutionInfo> fetch(
      Function<ListWorkflowExecutionsRequest, ListWorkflowExecutionsResponse> service,
      String namespace,
      String query,
      int limit,
      Predicate<WorkflowExecutionInfo> keep) {
    List<WorkflowExecutionInfo> rows = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page =
          service.apply(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(namespace)
                  .setQuery(query)
                  .setPageSize(Math.min(PAGE_SIZE, limit - rows.size()))
                  .setNextPageToken(token)
                  .build());
      for (WorkflowExecutionInfo info : page.getExecutionsList()) {
        if (rows.size() < limit && keep.test(info)) {
          rows.add(info);
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty() && rows.size() < limit);
    return rows;
  }

  /**
   * The rows as listings in {@link #VISIBILITY_ORDER}, re-sorted in case a store returns another
   * order; {@code names} maps instance ids to server names (placement's index).
   */
  static List<MigrationListing> listings(
      List<WorkflowExecutionInfo> rows, Map<String, String> names, DataConverter converter) {
    return rows.stream()
        .map(info -> listing(new WorkflowExecutionMetadata(info, converter), names))
        .sorted(VISIBILITY_ORDER)
        .toList();
  }

  static MigrationListing listing(WorkflowExecutionMetadata row, Map<String, String> names) {
    SearchAttributes attributes = row.getTypedSearchAttributes();
    String instanceId = attributes.get(MoveSearchAttributes.INSTANCE_ID);
    String workflowId = row.getExecution().getWorkflowId();
    return new MigrationListing(
        workflowId.startsWith("move:") ? workflowId.substring("move:".length()) : workflowId,
        instanceId,
        instanceId == null ? null : names.getOrDefault(instanceId, instanceId),
        MoveType.valueOf(attributes.get(MoveSearchAttributes.MIGRATION_TYPE)),
        attributes.get(MoveSearchAttributes.MIGRATION_STATUS),
        attributes.get(MoveSearchAttributes.SOURCE_HOST),
        attributes.get(MoveSearchAttributes.DEST_HOST),
        row.getStartTime(),
        row.getCloseTime());
  }

  private static String equal(String attribute, String value) {
    return attribute + " = " + literal(value);
  }

  /** Values reach here checked (names, uuids, enum words, instants): a quote is a bug. */
  private static String literal(String value) {
    if (value.indexOf('\'') >= 0 || value.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("not a plain visibility value: " + value);
    }
    return "'" + value + "'";
  }
}
