import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/store/database';

/**
 * The store keeps its folder to its owner, but never closes a shared one: a SQLite file put straight
 * in /tmp (as root) made /tmp 0700, and every other program on the machine lost its temp folder.
 */
describe('the SQLite file’s folder', () => {
  const mode = (file: string) => fs.statSync(file).mode & 0o7777;
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'db-folder-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('makes its own folder 0700 and tightens an existing private one', () => {
    const own = path.join(root, 'data');
    openDatabase(path.join(own, 'bot.sqlite')).close();
    expect(mode(own)).toBe(0o700);
    const existing = path.join(root, 'existing');
    fs.mkdirSync(existing, { mode: 0o755 });
    fs.chmodSync(existing, 0o755);
    openDatabase(path.join(existing, 'bot.sqlite')).close();
    expect(mode(existing)).toBe(0o700);
  });

  it('leaves a shared folder (sticky bit, as /tmp) open, and its file 0600', () => {
    const shared = path.join(root, 'tmp');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o1777);
    openDatabase(path.join(shared, 'bot.sqlite')).close();
    expect(mode(shared)).toBe(0o1777);
    expect(mode(path.join(shared, 'bot.sqlite'))).toBe(0o600);
  });
});
