package dev.ferry.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/compose.yaml cannot run here (no Docker engine), so what can be checked is: every Ferry
 * service's environment binds to {@link FerryProperties} as Spring binds a real process's
 * environment, and says what the service is (role, host, libvirt URI, Temporal target).
 */
class ComposeFileTest {
  private static final Path COMPOSE = Path.of("..", "docker", "compose.yaml");

  @Test
  void everyFerryServiceEnvironmentBindsToItsRole() throws IOException {
    Map<String, Object> services = services();
    int ferryServices = 0;
    for (Map.Entry<String, Object> e : services.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> service = (Map<String, Object>) e.getValue();
      if (!"ferry:latest".equals(service.get("image"))) {
        continue;
      }
      ferryServices++;
      FerryProperties p = bind(environment(service));
      assertEquals("temporal:7233", p.temporal().target(), e.getKey());
      assertTrue(p.temporal().sticky(), e.getKey() + ": sticky caching against a real cluster");
      if (p.role().equals("agent")) {
        assertNotNull(p.host().name(), e.getKey());
        assertTrue(p.host().libvirtUri().startsWith("qemu"), e.getKey());
        assertTrue(p.host().migrationUri().startsWith("qemu+tcp://"), e.getKey());
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) service.get("volumes");
        assertTrue(volumes.contains("/run/libvirt:/run/libvirt"), e.getKey() + ": libvirt socket");
        assertTrue(
            volumes.contains("/var/lib/ferry:/var/lib/ferry"),
            e.getKey() + ": disks at the paths libvirtd sees");
      } else {
        assertEquals("conductor", p.role(), e.getKey());
      }
    }
    assertTrue(ferryServices >= 2, "a conductor and at least one agent");
  }

  @Test
  void theImageIsBuiltFromTheRepositoryDockerfile() throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> conductor = (Map<String, Object>) services().get("conductor");
    @SuppressWarnings("unchecked")
    Map<String, Object> build = (Map<String, Object>) conductor.get("build");
    Path dockerfile = COMPOSE.getParent().resolve(build.get("context").toString());
    dockerfile = dockerfile.resolve(build.get("dockerfile").toString()).normalize();
    String text = Files.readString(dockerfile);
    // the jars the Maven build makes, copied into the image
    assertTrue(text.contains("/src/worker/target/ferry-worker-exec.jar"), text);
    assertTrue(text.contains("/src/starter-cli/target/ferry-cli-all.jar"), text);
  }

  private static Map<String, Object> services() throws IOException {
    try (InputStream in = Files.newInputStream(COMPOSE)) {
      Map<String, Object> compose = new Yaml().load(in);
      @SuppressWarnings("unchecked")
      Map<String, Object> services = (Map<String, Object>) compose.get("services");
      return services;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(Map<String, Object> service) {
    return new HashMap<>((Map<String, Object>) service.get("environment"));
  }

  /** As Spring Boot binds a process's environment variables (relaxed: FERRY_HOST_NAME). */
  private static FerryProperties bind(Map<String, Object> env) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .addFirst(
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
    return new Binder(ConfigurationPropertySources.get(environment))
        .bindOrCreate("ferry", FerryProperties.class);
  }
}
