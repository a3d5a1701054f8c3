package dev.ferry.cli.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.model.VmState;
import org.junit.jupiter.api.Test;

/**
 * The server action commands against fake entities that apply the real action rules: what they
 * print, the exit status of each refusal, and that the instance decides (the client translates).
 */
class ServerActionCommandsTest extends FakeClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anActionWithWaitSaysHowItEndedAndWhereTheServerIs() throws Exception {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    String out = ok("server", "stop", "web1", "--wait").out();

    assertTrue(out.contains("stop of server web1 done"), out);
    assertTrue(out.contains("server web1 is SHUTOFF on host a"), out);
  }

  @Test
  void serverShowListsTheActionsWithWhoAskedAndTheResult() throws Exception {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    ok("server", "pause", "web1", "--wait");
    ok("server", "unpause", "web1", "--wait");

    java.util.List<String> lines = ok("server", "show", "web1").out().lines().toList();
    int header =
        lines.indexOf(lines.stream().filter(l -> l.startsWith("ACTION")).findFirst().orElseThrow());
    String[] pause = lines.get(header + 1).trim().split("\\s+");
    assertEquals("pause", pause[1], lines.toString());
    assertEquals(System.getProperty("user.name"), pause[2], lines.toString());
    assertEquals("succeeded", pause[3], lines.toString());
    assertTrue(lines.get(header + 2).contains(" unpause "), lines.toString());
  }

  @Test
  void withoutWaitItSaysTheActionStartedAndHowToFollowIt() throws Exception {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    JsonNode started = JSON.readTree(ok("server", "pause", "web1", "--output", "json").out());

    assertEquals("pause", started.get("action").asText());
    assertEquals("web1", started.get("server").asText());
    assertTrue(started.get("actionId").asText().length() > 0);
  }

  @Test
  void whatTheStateDoesNotAllowIsAConflictInOneLine() throws Exception {
    ferry.server("off1", "m1.small", "a", VmState.STOPPED);

    refused(ExitStatus.CONFLICT, "is already STOPPED", "server", "stop", "off1");
    refused(
        ExitStatus.CONFLICT,
        "server off1 is STOPPED; pause needs one of [ACTIVE]: start it first ('ferry server start"
            + " off1')",
        "server",
        "pause",
        "off1");
    refused(ExitStatus.NOT_FOUND, "nosuch", "server", "start", "nosuch");
  }

  @Test
  void aHardRebootIsItsOwnActionInTheHistory() throws Exception {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    JsonNode done =
        JSON.readTree(ok("server", "reboot", "--hard", "web1", "--wait", "--output", "json").out());

    assertEquals("HARD_REBOOT", done.get("action").asText(), done.toString());
    assertTrue(done.get("succeeded").asBoolean());
  }

  @Test
  void resetStateSetsErrorByDefaultAndActiveWhenAsked() throws Exception {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    assertTrue(ok("server", "reset-state", "web1").out().contains("server web1 is now ERROR"));
    JsonNode active =
        JSON.readTree(ok("server", "reset-state", "web1", "--active", "--output", "json").out());
    assertEquals("ACTIVE", active.get("vmState").asText());
    var both = ferry("server", "reset-state", "web1", "--active", "--error");
    assertEquals(ExitStatus.USAGE, both.exit(), both.toString());
    assertTrue(both.err().contains("--active, --error are mutually exclusive"), both.toString());
  }
}
