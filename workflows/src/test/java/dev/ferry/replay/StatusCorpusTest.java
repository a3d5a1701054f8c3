package dev.ferry.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.evacuate.HostMovesStatus;
import dev.ferry.instance.MoveWorkflows;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.MoveType;
import dev.ferry.model.NovaStatus;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every status string the two replay corpora hold (the {@code MigrationStatus} search attribute,
 * the status of a move's progress, outcome, summary and view, an instance's current move status, a
 * host evacuation's or drain's status and its moves' statuses) reads back as a constant of the
 * typed status enums and spells back as the identical string: the typed statuses change no wire
 * string of a recorded history.
 */
class StatusCorpusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The status strings found, by where they were found: {@code <field>:<move type or any>} (the
   * move type of the payload that holds the status, when it says).
   */
  private final Map<String, Set<String>> found = new TreeMap<>();

  @Test
  void everyRecordedStatusRoundTripsThroughItsTypedEnum() throws IOException, URISyntaxException {
    for (String corpus : List.of("/histories", "/unit-histories")) {
      URL dir = StatusCorpusTest.class.getResource(corpus);
      assertTrue(dir != null, corpus + " is on the test classpath");
      try (Stream<Path> files = Files.walk(Path.of(dir.toURI()))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
          scanHistory(JSON.readTree(f.toFile()), null);
        }
      }
    }
    List<String> mismatches = new ArrayList<>();
    found.forEach(
        (where, statuses) -> {
          for (String wire : statuses) {
            String back =
                NovaStatus.parse(candidates(where), wire).map(NovaStatus::novaName).orElse(null);
            if (!wire.equals(back)) {
              mismatches.add(where + " '" + wire + "' reads back as " + back);
            }
          }
        });
    assertEquals(List.of(), mismatches);
    // The scan found what the corpora are known to hold, so the round trip above is not vacuous.
    assertEquals(
        Set.of("search-attribute", "move", "instance", "host-run", "host-run-move"),
        found.keySet().stream().map(k -> k.split(":")[0]).collect(Collectors.toSet()),
        found.toString());
    assertTrue(found.values().stream().mapToInt(Set::size).sum() >= 20, found.toString());
  }

  /** The typed statuses a status found at {@code where} may be. */
  private static List<NovaStatus> candidates(String where) {
    List<NovaStatus> all = new ArrayList<>(List.of(InstanceMoveStatus.values()));
    if (where.startsWith("host-run:")) {
      return List.<NovaStatus>of(HostMovesStatus.values());
    }
    String type = where.substring(where.indexOf(':') + 1);
    Set<MoveType> types =
        type.equals("any") ? EnumSet.allOf(MoveType.class) : EnumSet.of(MoveType.valueOf(type));
    for (MoveType t : types) {
      all.addAll(MoveWorkflows.statuses(t));
    }
    return all;
  }

  /** Walks a history's JSON for payloads; {@code key} is the field that holds {@code node}. */
  private void scanHistory(JsonNode node, String key) throws IOException {
    if (node.isObject()) {
      if (node.has("data") && node.has("metadata") && node.get("data").isTextual()) {
        scanPayload(node, key);
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        scanHistory(field.getValue(), field.getKey());
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        scanHistory(element, key);
      }
    }
  }

  private void scanPayload(JsonNode payload, String key) throws IOException {
    JsonNode encoding = payload.get("metadata").get("encoding");
    if (encoding == null || !"json/plain".equals(decode(encoding.asText()))) {
      return;
    }
    JsonNode value = JSON.readTree(decode(payload.get("data").asText()));
    if ("MigrationStatus".equals(key)) {
      note("search-attribute:any", value.asText());
      return;
    }
    scanValue(value);
  }

  /** The status fields of the Ferry payloads in {@code node}, wherever they are nested. */
  private void scanValue(JsonNode node) {
    if (node.isArray()) {
      node.forEach(this::scanValue);
      return;
    }
    if (!node.isObject()) {
      return;
    }
    if (node.hasNonNull("moveId") && node.path("status").isTextual()) {
      String type = node.path("type").isTextual() ? node.get("type").asText() : "any";
      note("move:" + type, node.get("status").asText());
    }
    if (node.hasNonNull("kind") && node.path("status").isTextual()) {
      note("host-run:any", node.get("status").asText());
    }
    if (node.path("currentMoveStatus").isTextual()) {
      note(
          "instance:" + textOr(node.path("currentMoveType"), "any"),
          node.get("currentMoveStatus").asText());
    }
    if (node.path("moveStatus").isTextual()) {
      note("host-run-move:any", node.get("moveStatus").asText());
    }
    node.forEach(this::scanValue);
  }

  private void note(String where, String status) {
    found.computeIfAbsent(where, w -> new TreeSet<>()).add(status);
  }

  private static String textOr(JsonNode node, String otherwise) {
    return node.isTextual() ? node.asText() : otherwise;
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
