import { KNOWN_ERRORS } from './knownErrorCatalog';
import { KNOWN_ERROR_AREAS, type KnownError } from './knownError';

// docs/known-errors.md, built from the catalog (`npm run docs:known-errors`); a test fails while the
// committed page differs from this output.

const AREA_TITLES: Record<KnownError['area'], string> = {
  setup: 'Setup and link',
  maps: 'Table maps',
  'initial-sync': 'Initial synchronization',
  'live-sync': 'Live synchronization',
  limits: 'Limits',
};

export function renderKnownErrorsDoc(entries: readonly KnownError[] = KNOWN_ERRORS): string {
  const lines = [
    '# Known dual-write errors',
    '',
    '<!-- Generated from src/engine/knownErrors by `npm run docs:known-errors`; do not edit by hand. -->',
    '',
    'Every dual-write error Microsoft documents with a cause and a fix, as the bot knows it',
    '(`src/engine/knownErrors/`). A step that fails with one of these texts shows its cause, the',
    'documented fix and the source on the run card; the doctor checks the causes it can read before a',
    'setup. "Detected by" says how: a doctor check, the failure pattern, or neither and why.',
    '',
  ];
  for (const area of KNOWN_ERROR_AREAS) {
    const inArea = entries.filter((entry) => entry.area === area);
    if (!inArea.length) continue;
    lines.push(`## ${AREA_TITLES[area]}`, '');
    for (const entry of inArea) lines.push(...section(entry), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function section(entry: KnownError): string[] {
  return [
    `### \`${entry.id}\`: ${entry.title}`,
    '',
    ...(entry.match.text ? [`- **Recognised by**: \`${entry.match.text.source}\``] : []),
    `- **Cause**: ${entry.cause}`,
    `- **Fix**: ${entry.fix}`,
    `- **Detected by**: ${detection(entry)}`,
    `- **Source**: <${entry.source}>`,
  ];
}

function detection(entry: KnownError): string {
  const ways = [
    ...(entry.detection.doctorCheck ? [`doctor check \`${entry.detection.doctorCheck}\``] : []),
    ...(entry.detection.failurePattern ? ['failure pattern'] : []),
  ];
  const said = ways.length ? ways.join(' and ') : 'neither';
  return entry.detection.note ? `${said} (${entry.detection.note})` : said;
}
