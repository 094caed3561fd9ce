// `npm run prepare`: builds dist/ (src only, no source maps) for git and folder installs and for `npm pack`.
// `npm install -g git+…` runs it without the devDependencies it asks for (npm/cli#8440, open): when
// TypeScript is missing, install them into this checkout first (not globally, no scripts, nothing saved).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TSC = 'node_modules/typescript/bin/tsc';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(TSC)) {
  run('npm', ['install', '--global=false', '--prefix', '.', '--include=dev', '--ignore-scripts', '--no-save', '--no-audit', '--no-fund']);
}
run(process.execPath, [TSC, '-p', 'tsconfig.build.json']);
