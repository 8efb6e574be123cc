import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildContractDocs } from '@ioc/contracts';

/** Writes docs/integrators/asyncapi.json and docs/integrators/schemas/*.schema.json from @ioc/contracts (`npm run contract:docs`). */
function main(): void {
  // Compiled to dist/scripts/, two levels below the repository root.
  const outDir = path.resolve(__dirname, '..', '..', 'docs', 'integrators');
  const { files } = buildContractDocs();
  const schemasDir = path.join(outDir, 'schemas');
  fs.mkdirSync(schemasDir, { recursive: true });
  // A kind that no longer exists must not leave its schema behind.
  for (const name of fs.readdirSync(schemasDir)) {
    if (name.endsWith('.schema.json') && !(`schemas/${name}` in files)) fs.rmSync(path.join(schemasDir, name));
  }
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(outDir, rel), text);
  process.stdout.write(`wrote ${Object.keys(files).length} files to ${path.relative(process.cwd(), outDir) || '.'}\n`);
}

main();
