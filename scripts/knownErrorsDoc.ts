import fs from 'node:fs';
import path from 'node:path';
import { renderKnownErrorsDoc } from '../src/engine/knownErrors/knownErrorsDoc';

// `npm run docs:known-errors`: writes docs/known-errors.md from the catalog of known errors.

const target = path.join(__dirname, '..', 'docs', 'known-errors.md');
fs.writeFileSync(target, renderKnownErrorsDoc());
process.stdout.write(`Wrote ${path.relative(process.cwd(), target)}\n`);
