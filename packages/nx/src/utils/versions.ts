import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface OwnPackageJson {
  name: string;
  version: string;
  dependencies: Record<string, string>;
}

let own: OwnPackageJson | undefined;

/** This package's package.json, found from here both in src/ (tests) and in dist/src/. */
export function ownPackageJson(): OwnPackageJson {
  if (own) return own;
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const json = JSON.parse(readFileSync(candidate, 'utf8')) as OwnPackageJson;
      if (json.name === '@om/nx') return (own = json);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@om/nx: cannot find its own package.json');
    dir = parent;
  }
}

/** Versions the init generator adds to a workspace. */
export const redisOmVersion = '^0.4.7';
export const swcNodeRegisterVersion = '^1.12.1';
export const swcCoreVersion = '^1.16.22';

/** The range of @om/migrations that this @om/nx is built against. */
export function omMigrationsVersion(): string {
  const range = ownPackageJson().dependencies['@om/migrations'];
  return /^\d/.test(range) ? `^${range}` : range;
}

/** This @om/nx's own version, as a caret range. */
export function omNxVersion(): string {
  return `^${ownPackageJson().version}`;
}
