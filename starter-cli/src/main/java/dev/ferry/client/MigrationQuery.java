package dev.ferry.client;

import dev.ferry.model.MoveType;
import java.time.Instant;

/**
 * Which moves {@link MovesClient#list} returns; every filter is optional (null) and they combine
 * with AND. Start from {@link #all()}.
 *
 * @param server a server's name or instance id
 * @param host moves whose source or destination is this host
 * @param type one kind of move
 * @param status a status in any spelling ({@code pre-migrating}, {@code PRE_MIGRATING}); see {@link
 *     MigrationVocabulary#allStatuses()}
 * @param since moves started at or after this instant
 * @param limit at most this many moves, 1 to {@link #MAX_LIMIT}
 */
public record MigrationQuery(
    String server, String host, MoveType type, String status, Instant since, int limit) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1000;

  /** Every move, at most {@link #DEFAULT_LIMIT}. */
  public static MigrationQuery all() {
    return new MigrationQuery(null, null, null, null, null, DEFAULT_LIMIT);
  }

  public MigrationQuery withServer(String nameOrId) {
    return new MigrationQuery(nameOrId, host, type, status, since, limit);
  }

  public MigrationQuery withHost(String sourceOrDest) {
    return new MigrationQuery(server, sourceOrDest, type, status, since, limit);
  }

  public MigrationQuery withType(MoveType moveType) {
    return new MigrationQuery(server, host, moveType, status, since, limit);
  }

  public MigrationQuery withStatus(String moveStatus) {
    return new MigrationQuery(server, host, type, moveStatus, since, limit);
  }

  public MigrationQuery withSince(Instant startedAtOrAfter) {
    return new MigrationQuery(server, host, type, status, startedAtOrAfter, limit);
  }

  public MigrationQuery withLimit(int atMost) {
    return new MigrationQuery(server, host, type, status, since, atMost);
  }
}
