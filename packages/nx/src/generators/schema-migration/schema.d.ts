export interface SchemaMigrationGeneratorSchema {
  /** snake_case name, e.g. add_sortable_on_user_name. */
  name: string;
  project: string;
  /** The module exporting the project's redis-om Schemas, relative to the project root. Default: metadata.om.models. */
  models?: string;
  /** Relative to the project root. Default: the project's metadata.om.migrationsDir, then "migrations". */
  migrationsDir?: string;
  /** Renamed fields as old:new; each becomes a data step that moves the stored values. */
  rename?: string[];
  /** Removed fields that leave search on purpose. */
  drop?: string[];
  /** Ids of data migrations to apply before this snapshot (`migrate-all` runs both in order). */
  after?: string[];
  /** Renamed schemas as old:new (schemaName or indexName); `migrate` moves their documents to the new key prefix. */
  renameSchema?: string[];
  /** Removed schemas whose documents stay behind on purpose. */
  dropSchema?: string[];
  /** Write the snapshot despite blocked changes. */
  force?: boolean;
  skipFormat?: boolean;
}
