import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root, found from here whether this runs from source (jest) or from dist/ (benchmarks). */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nest-cli.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no nest-cli.json above ${__dirname}`);
  }
}
