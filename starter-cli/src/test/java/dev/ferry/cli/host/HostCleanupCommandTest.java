package dev.ferry.cli.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.host.HostWorkflow;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.Names;
import org.junit.jupiter.api.Test;

/**
 * {@code host cleanup} against the fake cluster (host c DOWN): what a host owes, the operator's
 * drop of an item (refused for one it does not owe, nothing changed), and {@code host set-up}
 * saying that items are owed.
 */
class HostCleanupCommandTest extends FakeClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private void owes(String host, String itemId) {
    ferry
        .workflowClient()
        .newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(host))
        .addCleanup(
            new CleanupItem(
                itemId,
                CleanupItem.Kind.REMOVE_STALE_DOMAIN,
                "uuid-" + itemId,
                1,
                null,
                "evacuated to a"));
  }

  @Test
  void aHostThatOwesNothingSaysSo() {
    assertEquals("host c owes no cleanup\n", ok("host", "cleanup", "c").out());
  }

  @Test
  void theOwedItemsAreListedAndOneIsDroppedWithoutBeingCarriedOut() throws Exception {
    owes("c", "c1");
    owes("c", "c2");

    String listed = ok("host", "cleanup", "c").out();
    assertTrue(listed.contains("c1") && listed.contains("c2"), listed);
    assertTrue(listed.contains("evacuated to a"), listed);

    String dropped = ok("host", "cleanup", "c", "--drop", "c1").out();
    assertTrue(
        dropped.startsWith("dropped cleanup item c1 of host c (not carried out)\n"), dropped);
    JsonNode left = JSON.readTree(ok("host", "cleanup", "c", "--output", "json").out());
    assertEquals("c", left.get("host").asText());
    assertEquals(1, left.get("items").size(), left.toString());
    assertEquals("c2", left.get("items").get(0).get("item").get("id").asText());
    assertTrue(left.get("items").get(0).get("failure").isNull());
  }

  @Test
  void droppingAnItemTheHostDoesNotOweIsRefusedAndChangesNothing() {
    owes("c", "c1");

    refused(
        ExitStatus.INVALID,
        "host c owes no cleanup item nope",
        "host",
        "cleanup",
        "c",
        "--drop",
        "nope");

    assertTrue(ok("host", "cleanup", "c").out().contains("c1"));
  }

  @Test
  void setUpOfAHostThatOwesItemsSaysSo() {
    owes("c", "c1");
    ok("host", "set-down", "c");

    String out = ok("host", "set-up", "c").out();

    assertTrue(out.contains("it owes 1 cleanup item(s)"), out);
    assertTrue(out.contains("'ferry host cleanup c'"), out);
  }

  @Test
  void retryAndDropTogetherAreAUsageError() {
    var r = ferry("host", "cleanup", "c", "--retry", "--drop", "x");

    assertEquals(ExitStatus.USAGE, r.exit(), r.toString());
    assertTrue(r.err().contains("mutually exclusive"), r.toString());
  }
}
