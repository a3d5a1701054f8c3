package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Temporal Web UI in a real browser (headless Chromium) shows what an operator needs without
 * opening a workflow's JSON, after a cold migration (confirmed) and a resize (parked in
 * VERIFY_RESIZE) on libvirt test:/// hosts. Live migration needs real hosts: its half is {@code
 * testbed.RealTestbedIT#webUiShowsALiveMigration}. Screenshots: e2e/target/ui-screenshots/.
 */
class WebUiBrowserIT {
  private static FerryCluster cluster;
  private static WebUiPages ui;
  private static String coldMigration;
  private static String resize;

  @BeforeAll
  static void moveAServerTwice() {
    assumeTrue(
        "temporal".equals(System.getenv().getOrDefault("FERRY_ENGINE", "temporal")),
        "only the Temporal server has a Web UI");
    cluster = new FerryCluster();
    cluster.up("h1", "h2");
    cluster.json("server", "create", "--name", "web1", "--flavor", "m1.small", "--host", "h1");
    FerryCluster.expectOk(cluster.ferry("migrate", "web1", "--host", "h2", "--wait"));
    FerryCluster.expectOk(cluster.ferry("resize-confirm", "web1"));
    FerryCluster.expectOk(cluster.ferry("resize", "web1", "--flavor", "m1.medium", "--wait"));
    JsonNode web1 =
        cluster.awaitServer(
            "web1", s -> "RESIZED".equals(s.get("vmState").asText()), Duration.ofSeconds(30));
    coldMigration = web1.get("moves").get(0).get("moveId").asText();
    resize = web1.get("currentMoveId").asText();
    ui = new WebUiPages(cluster.webUi());
  }

  @AfterAll
  static void down() {
    if (ui != null) {
      ui.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theWorkflowListNamesBothMovesAndTheirType() {
    ui.checkWorkflowList(
        List.of(coldMigration, resize),
        List.of("ResizeWorkflow", "InstanceWorkflow", "HostWorkflow", "PlacementWorkflow"),
        "workflow-list");
  }

  @Test
  void theColdMigrationSaysWhereItWentAndWhatItDid() {
    ui.checkMovePage(
        coldMigration,
        "cold migration of web1: h1 → h2",
        List.of(
            "HypervisorPowerOff • power off (web1 on h1)",
            "HypervisorDefine • define (web1 on h2)",
            "HypervisorPowerOn • power on (web1 on h2)",
            "HypervisorRemove • remove the old copy (web1 on h1)",
            "PlacementSwap • swap the claim"),
        "confirmed: web1 h1 → h2",
        "cold-migration");
  }

  @Test
  void theParkedResizeShowsItsAutoConfirmTimer() {
    ui.checkMovePage(
        resize,
        "resize of web1 to m1.medium: h2 → any host",
        List.of("power off (web1 on h2)", "define (web1 on h1)", "auto-confirm after 1h"),
        "finished: web1 h2 → h1 (m1.small → m1.medium)",
        "resize");
    assertEquals("RESIZED", cluster.json("server", "show", "web1").get("vmState").asText());
  }
}
