/** The counts both `status` reports open with. Field names follow Redis OM Python's `status()`. */
export interface StatusCounts {
  readonly totalMigrations: number;
  readonly appliedCount: number;
  readonly pendingCount: number;
  readonly pendingMigrations: string[];
  readonly appliedMigrations: string[];
}

/** Counts known migrations, applied or not, in their order. Pure. */
export function countStatus(migrations: readonly { readonly id: string; readonly applied: boolean }[]): StatusCounts {
  const pendingMigrations = migrations.filter((m) => !m.applied).map((m) => m.id);
  const appliedMigrations = migrations.filter((m) => m.applied).map((m) => m.id);
  return {
    totalMigrations: migrations.length,
    appliedCount: appliedMigrations.length,
    pendingCount: pendingMigrations.length,
    pendingMigrations,
    appliedMigrations,
  };
}
