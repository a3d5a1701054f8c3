package dev.ferry.model;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * A status enum whose constants travel in Nova's spelling ({@code pre-migrating} for {@code
 * PRE_MIGRATING}): in payloads, in the {@code MigrationStatus} search attribute and in the CLI's
 * output. Workflows hold the constant; the string is made only where it leaves ({@link
 * #novaName()}) and is compared or read back typed ({@link #is}, {@link #parse}).
 */
public interface NovaStatus {

  /** The constant's name (every enum has it). */
  String name();

  /** Nova's spelling, e.g. {@code pre-migrating}. */
  default String novaName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether {@code status}, as it travels, is this status. */
  default boolean is(String status) {
    return novaName().equals(status);
  }

  /**
   * The constant of {@code statuses} that {@code status} names ({@code pre-migrating} names {@code
   * PRE_MIGRATING}); empty when it names none of them.
   */
  static <S extends NovaStatus> Optional<S> parse(Collection<S> statuses, String status) {
    if (status == null) {
      return Optional.empty();
    }
    String name = status.toUpperCase(Locale.ROOT).replace('-', '_');
    return statuses.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
