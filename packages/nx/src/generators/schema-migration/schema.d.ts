export interface SchemaMigrationGeneratorSchema {
  /** snake_case name, e.g. add_sortable_on_user_name. */
  name: string;
  project: string;
  /** The module exporting the project's redis-om Schemas, relative to the project root. Default: metadata.om.models. */
  models?: string;
  /** Relative to the project root. Default: the project's metadata.om.migrationsDir, then "migrations". */
  migrationsDir?: string;
  skipFormat?: boolean;
}
