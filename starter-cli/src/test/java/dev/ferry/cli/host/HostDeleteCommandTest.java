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
import dev.ferry.model.VmState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code host delete} against the fake cluster (a, b and d UP, c DOWN): a DOWN host with nothing on
 * it is gone from {@code host list} and {@code host show}; refused (exit 4, nothing changed) while
 * its agent runs, a server is on it or it owes clean-ups; an unknown host is exit 3.
 */
class HostDeleteCommandTest extends FakeClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private List<String> listedHosts() throws Exception {
    JsonNode hosts = JSON.readTree(ok("host", "list", "--output", "json").out());
    List<String> names = new ArrayList<>();
    hosts.forEach(h -> names.add(h.get("record").get("name").asText()));
    return names;
  }

  @Test
  void aDownHostWithNothingOnItIsDeletedAndGoneFromListAndShow() throws Exception {
    assertEquals("deleted host c\n", ok("host", "delete", "c").out());

    assertEquals(List.of("a", "b", "d"), listedHosts());
    refused(ExitStatus.NOT_FOUND, "unknown host 'c'", "host", "show", "c");
    refused(ExitStatus.NOT_FOUND, "unknown host 'c'", "host", "delete", "c");
  }

  @Test
  void asJsonItSaysWhichHostWasDeleted() throws Exception {
    JsonNode out = JSON.readTree(ok("host", "delete", "c", "--output", "json").out());
    assertEquals("c", out.get("host").asText());
    assertTrue(out.get("deleted").asBoolean());
    assertEquals(2, out.size());
  }

  @Test
  void refusedWhileItsAgentRuns() throws Exception {
    refused(
        ExitStatus.CONFLICT,
        "host 'a' has a running agent: stop its agent first",
        "host",
        "delete",
        "a");
    assertEquals(List.of("a", "b", "c", "d"), listedHosts());
  }

  @Test
  void refusedWhileAServerIsOnItSayingHowToMoveIt() throws Exception {
    ferry.server("web1", "m1.tiny", "c", VmState.ACTIVE);

    refused(
        ExitStatus.CONFLICT, "host 'c' is in use: 1 server on it (web1)", "host", "delete", "c");
    refused(ExitStatus.CONFLICT, "'ferry host evacuate c'", "host", "delete", "c");
    assertEquals(List.of("a", "b", "c", "d"), listedHosts());
    assertTrue(ok("host", "show", "c").out().contains("Hypervisor:"));
  }

  @Test
  void refusedWhileItOwesCleanUpsThatNeedItsAgent() throws Exception {
    ferry
        .workflowClient()
        .newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId("c"))
        .addCleanup(
            new CleanupItem(
                "c1", CleanupItem.Kind.REMOVE_STALE_DOMAIN, "uuid-1", 1, null, "stale"));

    refused(ExitStatus.CONFLICT, "host 'c' owes 1 clean-up(s)", "host", "delete", "c");
    refused(ExitStatus.CONFLICT, "they need its agent", "host", "delete", "c");
    assertEquals(List.of("a", "b", "c", "d"), listedHosts());
  }

  @Test
  void anUnknownHostIsNotFound() {
    refused(ExitStatus.NOT_FOUND, "unknown host 'zz'", "host", "delete", "zz");
  }
}
