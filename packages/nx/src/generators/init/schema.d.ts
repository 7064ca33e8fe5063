export interface InitGeneratorSchema {
  /** Register @om/nx/plugin in nx.json so projects with migrations get inferred targets. Default true. */
  addPlugin?: boolean;
  targetName?: string;
  statusTargetName?: string;
  rollbackTargetName?: string;
  schemaTargetName?: string;
  schemaStatusTargetName?: string;
  schemaRollbackTargetName?: string;
  schemaVerifyTargetName?: string;
  schemaCheckTargetName?: string;
  allTargetName?: string;
  skipPackageJson?: boolean;
  /** Keep versions already in package.json (default true). */
  keepExistingVersions?: boolean;
  skipInstall?: boolean;
  skipFormat?: boolean;
}
