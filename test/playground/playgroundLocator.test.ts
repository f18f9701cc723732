import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PlaygroundClient } from '../../src/playground/playgroundClient';
import {
  clearPlaygroundState,
  locatePlayground,
  registeredPlaygrounds,
  writePlaygroundState,
} from '../../src/playground/playgroundState';

// `npm run approve` finds the running Playground whatever DATA_DIR it was started with: the state in
// DATA_DIR first, else the one registered Playground whose bot still runs, else it says what to pass.
// The Playgrounds here are small HTTP servers answering `/_debug/ping` as the real one does.

const servers: http.Server[] = [];
async function fakePlayground(): Promise<string> {
  const server = http.createServer((req, res) => {
    if (req.url === '/_debug/ping') res.writeHead(200).end('pong');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const ping = (url: string) => new PlaygroundClient(url).ping();
let root: string;
let registry: string;
const dir = (name: string) => path.join(root, name);

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-locate-'));
  registry = dir('registry');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('finding the running Playground', () => {
  it('uses the Playground of this DATA_DIR when it answers', async () => {
    const url = await fakePlayground();
    writePlaygroundState(dir('data'), { url, botUrl: 'http://127.0.0.1:3978', pid: process.pid }, registry);
    const found = await locatePlayground(dir('data'), ping, registry);
    expect(found).toMatchObject({ found: true, state: { url }, dataDir: dir('data') });
    expect(found.found && found.note).toBeUndefined();
  });

  it('finds the one started with another DATA_DIR, and says so', async () => {
    const url = await fakePlayground();
    writePlaygroundState(
      dir('elsewhere'),
      { url, botUrl: 'http://127.0.0.1:4000', pid: process.pid },
      registry,
    );
    const found = await locatePlayground(dir('data'), ping, registry);
    expect(found).toMatchObject({ found: true, state: { url }, dataDir: dir('elsewhere') });
    expect(found.found && found.note).toContain(`using the one started with DATA_DIR=${dir('elsewhere')}`);
  });

  it('with two running, names each and the exact command', async () => {
    const first = await fakePlayground();
    const second = await fakePlayground();
    writePlaygroundState(
      dir('a'),
      { url: first, botUrl: 'http://127.0.0.1:4001', pid: process.pid },
      registry,
    );
    // A second bot process: the parent of this test process is alive too.
    writePlaygroundState(
      dir('b'),
      { url: second, botUrl: 'http://127.0.0.1:4002', pid: process.ppid },
      registry,
    );
    const found = await locatePlayground(dir('data'), ping, registry);
    expect(found.found).toBe(false);
    const message = !found.found ? found.message : '';
    expect(message).toContain(`DATA_DIR=${dir('a')} npm run approve`);
    expect(message).toContain(`DATA_DIR=${dir('b')} npm run approve`);
  });

  it('forgets Playgrounds whose bot process has ended, and says it is not running', async () => {
    const url = await fakePlayground();
    writePlaygroundState(
      dir('gone'),
      { url, botUrl: 'http://127.0.0.1:4003', pid: 2 ** 22 + 12345 },
      registry,
    );
    const found = await locatePlayground(dir('data'), ping, registry);
    expect(found).toEqual({
      found: false,
      message: expect.stringMatching(/^The Agents Playground is not running \(none for DATA_DIR=/),
    });
    expect(registeredPlaygrounds(registry)).toEqual([]);
  });

  it('skips a registered Playground that does not answer', async () => {
    writePlaygroundState(
      dir('silent'),
      { url: 'http://127.0.0.1:9', botUrl: 'http://127.0.0.1:4004', pid: process.pid },
      registry,
    );
    expect((await locatePlayground(dir('data'), ping, registry)).found).toBe(false);
  });

  it('clearing the state removes both files', async () => {
    const url = await fakePlayground();
    writePlaygroundState(dir('data'), { url, botUrl: 'http://127.0.0.1:3978', pid: process.pid }, registry);
    clearPlaygroundState(dir('data'), process.pid, registry);
    expect(registeredPlaygrounds(registry)).toEqual([]);
    expect(fs.existsSync(path.join(dir('data'), 'playground', 'playground.json'))).toBe(false);
  });
});
