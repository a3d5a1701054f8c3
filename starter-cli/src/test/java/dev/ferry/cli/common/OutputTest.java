package dev.ferry.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.model.HostRecord;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutputTest {
  @Test
  void aHostsLeasePeriodPrintsAsAnIsoDuration() throws Exception {
    HostRecord host = new HostRecord();
    host.name = "h2";
    host.incarnation = "inc-2";
    host.leasePeriod = Duration.ofMinutes(15);

    var json = new ObjectMapper().readTree(Output.toJson(host));

    assertEquals("PT15M", json.get("leasePeriod").asText());
    assertEquals("inc-2", json.get("incarnation").asText());
  }
}
