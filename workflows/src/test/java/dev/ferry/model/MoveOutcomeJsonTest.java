package dev.ferry.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import org.junit.jupiter.api.Test;

/** MoveOutcome as Temporal's converter carries it in a moveClosed signal, old and new. */
class MoveOutcomeJsonTest {
  private final ObjectMapper json = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  @Test
  void anOutcomeFromBeforeSourceAndDestReadsThemAsNull() throws Exception {
    String old =
        "{\"moveId\":\"m1\",\"status\":\"reverted\",\"succeeded\":true,\"host\":\"h1\","
            + "\"flavor\":null,\"epoch\":3,\"domainXml\":null,\"vmState\":\"ACTIVE\","
            + "\"powerState\":\"RUNNING\",\"error\":null}";

    MoveOutcome read = json.readValue(old, MoveOutcome.class);

    assertEquals("h1", read.host());
    assertEquals(3, read.epoch());
    assertNull(read.sourceHost());
    assertNull(read.destHost());
    assertNull(read.type());
    assertNull(read.startedAtMillis());
    assertNull(read.note());
  }

  @Test
  void theMovesTypeStartAndNoteSurviveTheRoundTrip() throws Exception {
    MoveOutcome outcome =
        new MoveOutcome("m1", "done", true, "h2", null, 4, null, null, null, null, "h1", "h2")
            .withNote("local data of vm1 is lost")
            .of(MoveType.EVACUATION, 1_700_000_000_000L);

    MoveOutcome read = json.readValue(json.writeValueAsString(outcome), MoveOutcome.class);

    assertEquals("local data of vm1 is lost", read.note(), "the note survives of()");
    assertEquals(MoveType.EVACUATION, read.type());
    assertEquals(1_700_000_000_000L, read.startedAtMillis());
    assertEquals(outcome, read);
  }

  @Test
  void sourceAndDestSurviveTheRoundTrip() throws Exception {
    MoveOutcome outcome =
        new MoveOutcome(
            "m1",
            "reverted",
            true,
            "h1",
            Flavors.require("m1.small"),
            3,
            "<domain/>",
            VmState.ACTIVE,
            PowerState.RUNNING,
            null,
            "h1",
            "h2");

    assertEquals(outcome, json.readValue(json.writeValueAsString(outcome), MoveOutcome.class));
    assertNull(
        new MoveOutcome("m1", "done", true, "h2", null, 4, null, null, null, null).destHost());
  }
}
