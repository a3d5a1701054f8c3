package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ferry.client.fakes.FakeVisibility;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.MoveType;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code migration list}'s visibility side: the query, the paging, the rows read back. */
class MigrationSearchTest {
  private static final String ID = "0b5c1f84-3f5e-4b8e-9a51-7a3d0c1e2f40";
  private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

  @Test
  void everyFilterBecomesOneTermOfTheQuery() {
    MigrationQuery q =
        MigrationQuery.all()
            .withHost("h1")
            .withType(MoveType.COLD_MIGRATION)
            .withStatus("finished")
            .withSince(T0);
    assertEquals(
        "MigrationType = 'COLD_MIGRATION' AND InstanceId = '"
            + ID
            + "' AND (SourceHost = 'h1' OR DestHost = 'h1') AND MigrationStatus = 'finished'"
            + " AND StartTime >= '2026-05-01T12:00:00Z'",
        MigrationSearch.visibilityQuery(q, ID));
  }

  @Test
  void withoutFiltersOnlyWorkflowsWithAMigrationTypeMatchSoHostParentsAreLeftOut() {
    assertEquals(
        "MigrationType IN ('COLD_MIGRATION', 'RESIZE', 'LIVE_MIGRATION', 'EVACUATION')",
        MigrationSearch.visibilityQuery(MigrationQuery.all(), null));
  }

  @Test
  void aValueWithAQuoteNeverReachesTheQuery() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MigrationSearch.visibilityQuery(MigrationQuery.all().withHost("h1' OR 'x"), null));
  }

  /** A service of {@code total} rows in pages of the asked size; records what was asked. */
  private static List<WorkflowExecutionInfo> fetch(
      int total, int limit, List<ListWorkflowExecutionsRequest> asked) {
    List<WorkflowExecutionInfo> all =
        IntStream.range(0, total)
            .mapToObj(
                i ->
                    FakeVisibility.row(
                        "m" + i, ID, MoveType.RESIZE, "finished", "h1", "h2", T0, null))
            .toList();
    return MigrationSearch.fetch(
        request -> {
          asked.add(request);
          int from =
              request.getNextPageToken().isEmpty()
                  ? 0
                  : Integer.parseInt(request.getNextPageToken().toStringUtf8());
          int to = Math.min(total, from + request.getPageSize());
          ListWorkflowExecutionsResponse.Builder page =
              ListWorkflowExecutionsResponse.newBuilder().addAllExecutions(all.subList(from, to));
          if (to < total) {
            page.setNextPageToken(ByteString.copyFromUtf8(Integer.toString(to)));
          }
          return page.build();
        },
        "ns",
        "the query",
        limit);
  }

  @Test
  void pagesFollowTheTokensAndStopAtTheLimit() {
    List<ListWorkflowExecutionsRequest> asked = new ArrayList<>();
    List<WorkflowExecutionInfo> rows = fetch(400, 250, asked);

    assertEquals(250, rows.size());
    assertEquals("move:m249", rows.get(249).getExecution().getWorkflowId());
    assertEquals(List.of(100, 100, 50), asked.stream().map(r -> r.getPageSize()).toList());
    assertEquals(
        List.of("", "100", "200"),
        asked.stream().map(r -> r.getNextPageToken().toStringUtf8()).toList());
    assertTrue(asked.stream().allMatch(r -> r.getNamespace().equals("ns")));
    assertTrue(asked.stream().allMatch(r -> r.getQuery().equals("the query")));
  }

  @Test
  void theLastPageEndsTheListingBelowTheLimit() {
    List<ListWorkflowExecutionsRequest> asked = new ArrayList<>();
    assertEquals(130, fetch(130, 1000, asked).size());
    assertEquals(2, asked.size());
    assertEquals(0, fetch(0, 50, new ArrayList<>()).size());
  }

  @Test
  void rowsReadTheSearchAttributesAndNameServersPlacementKnows() {
    String deleted = "9f0e2d1c-0000-4000-8000-000000000009";
    List<MigrationListing> listings =
        MigrationSearch.listings(
            List.of(
                FakeVisibility.row(
                    "a", ID, MoveType.LIVE_MIGRATION, "running", "h1", "h2", T0, null),
                FakeVisibility.row(
                    "b", deleted, MoveType.EVACUATION, "accepted", "h3", null, T0, T0)),
            Map.of(ID, "web1"),
            DefaultDataConverter.STANDARD_INSTANCE);

    MigrationListing live = listings.get(0);
    assertEquals(
        new MigrationListing(
            "a", ID, "web1", MoveType.LIVE_MIGRATION, "running", "h1", "h2", T0, null),
        live);
    MigrationListing evacuation = listings.get(1);
    assertEquals(deleted, evacuation.server(), "no name known: the instance id");
    assertNull(evacuation.destHost(), "no destination chosen yet");
    assertEquals(T0, evacuation.ended());
  }

  @Test
  void runningMovesComeFirstNewestStartedThenEndedOnesMostRecentlyEndedFirst() {
    List<WorkflowExecutionInfo> shuffled =
        List.of(
            row("ended-early", T0, T0.plusSeconds(10)),
            row("running-old", T0, null),
            row("ended-late", T0.plusSeconds(5), T0.plusSeconds(60)),
            row("running-new", T0.plusSeconds(30), null));
    List<String> order =
        MigrationSearch.listings(shuffled, Map.of(), DefaultDataConverter.STANDARD_INSTANCE)
            .stream()
            .map(MigrationListing::moveId)
            .toList();
    assertEquals(List.of("running-new", "running-old", "ended-late", "ended-early"), order);
  }

  private static WorkflowExecutionInfo row(String moveId, Instant started, Instant closed) {
    return FakeVisibility.row(
        moveId, ID, MoveType.COLD_MIGRATION, "confirmed", "h1", "h2", started, closed);
  }

  @Test
  void theClientRefusesBadFiltersBeforeAnyCall() {
    try (FakeVisibility visibility = new FakeVisibility();
        FerryClient client = visibility.client()) {
      MovesClient moves = client.moves();
      assertRefused(() -> moves.list(MigrationQuery.all().withLimit(0)), "the limit must be 1");
      assertRefused(() -> moves.list(MigrationQuery.all().withHost("../x")), "invalid host name");
      assertRefused(
          () -> moves.list(MigrationQuery.all().withStatus("bogus")), "unknown migration status");
      assertRefused(
          () ->
              moves.list(
                  MigrationQuery.all().withType(MoveType.EVACUATION).withStatus("confirmed")),
          "type evacuation never reports status 'confirmed'");
      assertEquals(List.of(), visibility.requests);
    }
  }

  private static void assertRefused(Runnable call, String expected) {
    FerryRejection r = assertThrows(FerryRejection.class, call::run);
    assertEquals(FerryRejection.Reason.INVALID_ARGUMENT, r.reason());
    assertTrue(r.getMessage().contains(expected), r.getMessage());
  }
}
