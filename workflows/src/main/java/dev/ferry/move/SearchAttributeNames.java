package dev.ferry.move;

import java.util.List;

/** Ferry's custom search attributes (all Keyword), registered on the engine at start. */
public final class SearchAttributeNames {
  public static final String INSTANCE_ID = "InstanceId";
  public static final String SOURCE_HOST = "SourceHost";
  public static final String DEST_HOST = "DestHost";
  public static final String MIGRATION_TYPE = "MigrationType";
  public static final String MIGRATION_STATUS = "MigrationStatus";

  public static final List<String> ALL =
      List.of(INSTANCE_ID, SOURCE_HOST, DEST_HOST, MIGRATION_TYPE, MIGRATION_STATUS);

  private SearchAttributeNames() {}
}
