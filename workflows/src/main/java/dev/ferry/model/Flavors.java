package dev.ferry.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flavor catalog. Fixed in code so workflows can read it deterministically; the {@code t1.*}
 * flavors fit the tiny TCG guests of the real test bed.
 */
public final class Flavors {
  private static final Map<String, Flavor> CATALOG = new LinkedHashMap<>();

  static {
    for (Flavor f :
        List.of(
            new Flavor("t1.nano", 1, 128, 1),
            new Flavor("t1.micro", 1, 192, 1),
            new Flavor("m1.tiny", 1, 512, 1),
            new Flavor("m1.small", 1, 2048, 20),
            new Flavor("m1.medium", 2, 4096, 40),
            new Flavor("m1.large", 4, 8192, 80),
            new Flavor("m1.xlarge", 8, 16384, 160))) {
      CATALOG.put(f.name(), f);
    }
  }

  private Flavors() {}

  public static Optional<Flavor> find(String name) {
    return Optional.ofNullable(name == null ? null : CATALOG.get(name));
  }

  public static Flavor require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new FerryRejection(
                    FerryRejection.Reason.UNKNOWN_FLAVOR,
                    "unknown flavor '"
                        + name
                        + "'; known flavors: "
                        + String.join(", ", CATALOG.keySet())));
  }

  public static List<Flavor> all() {
    return List.copyOf(CATALOG.values());
  }
}
