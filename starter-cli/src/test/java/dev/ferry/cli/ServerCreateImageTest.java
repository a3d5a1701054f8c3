package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.client.fakes.FakeInstance;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code server create --image}: recorded and shown; an image the host lacks is a refusal. */
class ServerCreateImageTest extends FakeClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theImageIsRecordedAndShown() throws Exception {
    Cli.Result created =
        ferry(
            "server",
            "create",
            "--name",
            "web1",
            "--flavor",
            "m1.tiny",
            "--host",
            "a",
            "--image",
            FakeInstance.IMAGE);
    assertEquals(0, created.exit(), created.toString());
    assertTrue(
        Pattern.compile("Image:\\s+" + Pattern.quote(FakeInstance.IMAGE) + "\n")
            .matcher(created.out())
            .find(),
        created.out());

    Cli.Result shown = ferry("--output", "json", "server", "show", "web1");
    assertEquals(0, shown.exit(), shown.toString());
    JsonNode record = JSON.readTree(shown.out());
    assertEquals(FakeInstance.IMAGE, record.get("baseImage").asText());
    assertEquals("ACTIVE", record.get("vmState").asText());
  }

  @Test
  void anImageTheHostDoesNotHaveIsRefusedWithExitOne() {
    Cli.Result r =
        ferry(
            "server",
            "create",
            "--name",
            "web2",
            "--flavor",
            "m1.tiny",
            "--host",
            "a",
            "--image",
            "debian-13");

    assertEquals(ExitStatus.NOT_FOUND, r.exit(), r.toString());
    assertEquals("", r.out(), r.toString());
    assertEquals(
        "ferry: error: server web2 was not created: build refused on a: no base image debian-13"
            + " in the image store /var/lib/ferry/images (it has cirros-0.6.2.qcow2)\n",
        r.err());
  }

  @Test
  void aBadImageNameIsRefusedBeforeConnecting() {
    Cli.Result r =
        Cli.run(
            Cli::neverConnect,
            "server",
            "create",
            "--name",
            "web3",
            "--flavor",
            "m1.tiny",
            "--image",
            "../etc/passwd");

    assertEquals(ExitStatus.INVALID, r.exit(), r.toString());
    assertTrue(r.err().contains("invalid image name '../etc/passwd'"), r.toString());
  }

  @Test
  void anImageGivesTheSharedDiskItsSize() {
    Cli.Result r =
        ferry(
            "server",
            "create",
            "--name",
            "web4",
            "--flavor",
            "m1.tiny",
            "--host",
            "a",
            "--image",
            FakeInstance.IMAGE,
            "--shared");

    assertEquals(0, r.exit(), r.toString()); // no --disk-size needed: the image's size
  }
}
