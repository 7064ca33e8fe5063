export interface DataMigrationGeneratorSchema {
  /** snake_case name, e.g. normalize_emails. */
  name: string;
  project: string;
  /** Relative to the project root. Default: the project's metadata.om.migrationsDir, then "migrations". */
  migrationsDir?: string;
  skipFormat?: boolean;
}
