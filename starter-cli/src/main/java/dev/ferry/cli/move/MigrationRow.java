package dev.ferry.cli.move;

import dev.ferry.cli.common.TableWriter;
import dev.ferry.client.MigrationListing;
import dev.ferry.client.MigrationVocabulary;
import java.util.List;

/**
 * One row of {@code migration list}, in Nova's words: {@code type} is {@code migration}, {@code
 * resize}, {@code live-migration} or {@code evacuation}; times are ISO-8601 UTC; {@code updated} is
 * when the move ended, null while it runs (the visibility store keeps no time of a status change:
 * {@code migration show} has each one). Its JSON also carries the move's {@link NovaMigration}
 * fields.
 */
public record MigrationRow(
    String id,
    String server,
    String instanceId,
    String sourceHost,
    String destHost,
    String type,
    String status,
    String created,
    String updated) {

  static MigrationRow of(MigrationListing m) {
    return new MigrationRow(
        m.moveId(),
        m.server(),
        m.instanceId(),
        m.sourceHost(),
        m.destHost(),
        MigrationVocabulary.typeName(m.type()),
        m.status(),
        NovaMigration.iso(m.created()),
        NovaMigration.iso(m.ended()));
  }

  static TableWriter table(List<MigrationRow> rows) {
    TableWriter t =
        TableWriter.of("ID", "SERVER", "SOURCE", "DEST", "TYPE", "STATUS", "CREATED", "UPDATED");
    for (MigrationRow r : rows) {
      t.row(r.id, r.server, r.sourceHost, r.destHost, r.type, r.status, r.created, r.updated);
    }
    return t;
  }
}
