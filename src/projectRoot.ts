import fs from 'node:fs';
import path from 'node:path';

/** The project's root folder (where package.json is), from `src/` under tsx/jest or `dist/src/` when built. */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i += 1) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'cards'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`project root not found above ${__dirname}`);
}

export function projectVersion(): string {
  return (
    JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
}
