package dev.ferry.move;

import dev.ferry.model.MoveType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed keys of the custom search attributes every move upserts on each status change, for the
 * Temporal Web UI (all Keyword; names from {@link SearchAttributeNames}).
 */
public final class MoveSearchAttributes {
  public static final SearchAttributeKey<String> INSTANCE_ID =
      SearchAttributeKey.forKeyword(SearchAttributeNames.INSTANCE_ID);
  public static final SearchAttributeKey<String> SOURCE_HOST =
      SearchAttributeKey.forKeyword(SearchAttributeNames.SOURCE_HOST);
  public static final SearchAttributeKey<String> DEST_HOST =
      SearchAttributeKey.forKeyword(SearchAttributeNames.DEST_HOST);
  public static final SearchAttributeKey<String> MIGRATION_TYPE =
      SearchAttributeKey.forKeyword(SearchAttributeNames.MIGRATION_TYPE);
  public static final SearchAttributeKey<String> MIGRATION_STATUS =
      SearchAttributeKey.forKeyword(SearchAttributeNames.MIGRATION_STATUS);

  public static final List<SearchAttributeKey<String>> ALL =
      List.of(INSTANCE_ID, SOURCE_HOST, DEST_HOST, MIGRATION_TYPE, MIGRATION_STATUS);

  private MoveSearchAttributes() {}

  /** Upserts all five from the calling move workflow; DestHost only once a destination is known. */
  public static void upsert(
      String instanceId, String source, String dest, MoveType type, String status) {
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    updates.add(INSTANCE_ID.valueSet(instanceId));
    updates.add(SOURCE_HOST.valueSet(source));
    if (dest != null) {
      updates.add(DEST_HOST.valueSet(dest));
    }
    updates.add(MIGRATION_TYPE.valueSet(type.name()));
    updates.add(MIGRATION_STATUS.valueSet(status));
    Workflow.upsertTypedSearchAttributes(updates.toArray(new SearchAttributeUpdate<?>[0]));
  }
}
