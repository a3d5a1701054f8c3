package dev.ferry.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.BlockMigration;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.Settings;
import dev.ferry.model.TimeoutAction;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@code ferry.conductor.live-migration.*} binds as Spring binds the worker's configuration, and
 * reaches the Settings the conductor pushes to placement.
 */
class LiveMigrationDefaultsBindingTest {

  private static FerryProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("ferry", FerryProperties.class);
  }

  @Test
  void nothingConfiguredMeansNovasDefaults() {
    Settings settings = bind(Map.of()).conductor().settings();

    assertEquals(LiveMigrationOptions.DEFAULTS, settings.liveMigration());
  }

  @Test
  void everyDefaultCanBeConfigured() {
    Settings settings =
        bind(Map.of(
                "ferry.conductor.live-migration.bandwidth-mibs", "40",
                "ferry.conductor.live-migration.max-downtime", "300ms",
                "ferry.conductor.live-migration.completion-timeout-per-gib", "2m",
                "ferry.conductor.live-migration.timeout-action", "force-complete",
                "ferry.conductor.live-migration.progress-timeout", "0s",
                "ferry.conductor.live-migration.permit-auto-converge", "true",
                "ferry.conductor.live-migration.permit-post-copy", "true",
                "ferry.conductor.live-migration.max-retries", "1",
                "ferry.conductor.live-migration.queue-timeout", "10m"))
            .conductor()
            .settings();

    assertEquals(
        new LiveMigrationOptions(
            BlockMigration.AUTO,
            40L,
            300L,
            120L,
            TimeoutAction.FORCE_COMPLETE,
            0L,
            true,
            true,
            1,
            600L),
        settings.liveMigration());
  }

  @Test
  void aValueARequestWouldBeRefusedForFailsTheStart() {
    FerryProperties properties = bind(Map.of("ferry.conductor.live-migration.queue-timeout", "0s"));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> properties.conductor().settings());
    assertTrue(e.getMessage().contains("queue timeout"), e.getMessage());
    assertThrows(
        BindException.class,
        () -> bind(Map.of("ferry.conductor.live-migration.timeout-action", "explode")));
  }
}
