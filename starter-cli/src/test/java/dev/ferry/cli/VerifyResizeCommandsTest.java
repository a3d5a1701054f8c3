package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.client.fakes.FakeResize;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.VmState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server in VERIFY_RESIZE: confirm and revert with {@code --wait}, and delete, which confirms
 * first as Nova does.
 */
class VerifyResizeCommandsTest extends FakeClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MOVE = "33333333-3333-4333-8333-333333333333";

  /** web1 migrated from a to b, waiting in VERIFY_RESIZE (move {@link #MOVE}). */
  private void inVerifyResize() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    ferry.nextIds(MOVE);
    ok("migrate", "web1", "--host", "b", "--confirm-window", "0", "--wait");
  }

  @Test
  void confirmWithWaitAnswersOnceTheServerIsFreeForItsNextMove() {
    inVerifyResize();

    Cli.Result confirmed = ok("resize-confirm", "web1", "--wait", "--wait-timeout", "1m");

    assertTrue(confirmed.out().startsWith("confirmed move " + MOVE + " of server web1\n"));
    assertTrue(confirmed.out().endsWith("server web1 is ACTIVE on host b\n"), confirmed.out());
    ok("migrate", "web1", "--host", "a"); // not refused as busy
  }

  @Test
  void revertWithWaitAnswersWithTheServerBackOnItsSource() {
    inVerifyResize();

    Cli.Result reverted = ok("resize-revert", "web1", "--wait");

    assertTrue(reverted.out().startsWith("reverted move " + MOVE + " of server web1\n"));
    assertTrue(reverted.out().endsWith("server web1 is ACTIVE on host a\n"), reverted.out());
  }

  @Test
  void aConfirmOrRevertThatEndsInErrorExitsOneSayingWhatHappened() {
    Map<String, String> moves =
        Map.of(
            "resize-confirm", "44444444-4444-4444-8444-444444444444",
            "resize-revert", "55555555-5555-4555-8555-555555555555");
    for (String decision : moves.keySet()) {
      String name = "wedged-" + decision;
      String move = moves.get(decision);
      ferry.server(name, "m1.small", "a", VmState.ACTIVE);
      ferry.nextIds(move);
      ok("migrate", name, "--host", "b", "--confirm-window", "0", "--wait");

      Cli.Result r = ferry(decision, name);

      assertEquals(ExitStatus.FAILED, r.exit(), r.toString());
      assertEquals(
          "ferry: error: the "
              + (decision.equals("resize-confirm") ? "confirm" : "revert")
              + " of move "
              + move
              + " of server "
              + name
              + " did not happen: the move is error ("
              + FakeResize.DECISION_ERROR
              + "); see 'ferry migration show "
              + move
              + "'\n",
          r.err(),
          r.toString());
      assertEquals("", r.out(), r.toString());
    }
  }

  @Test
  void withNothingToDecideWaitIsRefusedAsBeforeAndABadTimeoutIsAUsageError() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    Cli.Result r = ferry("resize-confirm", "web1", "--wait");
    assertEquals(ExitStatus.CONFLICT, r.exit(), r.toString());
    assertEquals(
        "ferry: error: server web1 has no resize awaiting confirmation\n", r.err(), r.toString());

    Cli.Result bad = Cli.run(Cli::neverConnect, "resize-revert", "web1", "--wait-timeout", "1x");
    assertEquals(ExitStatus.USAGE, bad.exit(), bad.toString());
  }

  @Test
  void deleteInVerifyResizeConfirmsFirstAndSaysSo() {
    inVerifyResize();

    Cli.Result deleted = ok("server", "delete", "web1");

    List<String> lines = deleted.out().lines().toList();
    assertEquals(
        "server web1 was in VERIFY_RESIZE: its migration "
            + MOVE
            + " was confirmed first (as Nova does)",
        lines.get(0));
    assertTrue(lines.get(1).startsWith("deleted server web1 ("), deleted.out());
    assertEquals(2, lines.size(), deleted.out());
    Cli.Result move = ok("--output", "json", "migration", "show", MOVE);
    assertTrue(move.out().contains("\"status\" : \"confirmed\""), move.out());
    assertEquals("", ok("server", "list").out().lines().skip(1).findFirst().orElse(""));
  }

  @Test
  void deleteInVerifyResizeAsJsonIsTheFinalRecordListingTheConfirmedMove() throws Exception {
    inVerifyResize();

    JsonNode record = JSON.readTree(ok("--output", "json", "server", "delete", "web1").out());

    assertEquals("DELETED", record.get("vmState").asText(), record.toString());
    JsonNode last = record.get("moves").get(record.get("moves").size() - 1);
    assertEquals(MOVE, last.get("moveId").asText());
    assertEquals("confirmed", last.get("status").asText());
  }

  @Test
  void deleteWhileAMoveRunsIsRefusedAndChangesNothing() {
    InstanceRecord slow = ferry.server("slow1", "m1.small", "a", VmState.ACTIVE);
    ok("migrate", "slow1", "--host", "b");

    Cli.Result r = ferry("server", "delete", "slow1");

    assertEquals(ExitStatus.CONFLICT, r.exit(), r.toString());
    assertEquals(1, r.err().lines().count(), r.toString());
    Cli.Result shown = ok("--output", "json", "server", "show", slow.id);
    assertTrue(shown.out().contains("\"vmState\" : \"ACTIVE\""), shown.out());
    assertTrue(shown.out().contains("\"currentMoveType\" : \"COLD_MIGRATION\""), shown.out());
  }
}
