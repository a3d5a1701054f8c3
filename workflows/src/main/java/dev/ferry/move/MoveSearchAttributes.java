package dev.ferry.move;

import io.temporal.common.SearchAttributeKey;
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
}
