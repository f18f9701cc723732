import fs from 'node:fs';
import path from 'node:path';
import { renderKnownErrorsDoc } from '../../src/engine/knownErrors/knownErrorsDoc';
import { KNOWN_ERRORS } from '../../src/engine/knownErrors/knownErrorCatalog';

/** docs/known-errors.md is the catalog's own output: regenerate it with `npm run docs:known-errors`. */
describe('docs/known-errors.md', () => {
  const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'known-errors.md'), 'utf8');

  it('is what the catalog generates', () => {
    expect(committed).toBe(renderKnownErrorsDoc());
  });

  it('names every catalogued error with its source', () => {
    for (const entry of KNOWN_ERRORS) {
      expect(committed).toContain(`\`${entry.id}\``);
      expect(committed).toContain(entry.source);
    }
  });
});
