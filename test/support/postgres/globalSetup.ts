// Jest global setup: one PostgreSQL server for the whole run. TEST_DATABASE_URL when given,
// otherwise an embedded server on a free loopback port with its data in a temp folder. When none can
// be had, the reason goes to TEST_DATABASE_ERROR and every PostgreSQL test fails with it (never a
// silent skip); the other tests still run.
import { startEmbeddedPostgres, type RunningPostgres } from './embeddedPostgres';

declare global {
  var __embeddedPostgres: RunningPostgres | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  try {
    const server = await startEmbeddedPostgres();
    globalThis.__embeddedPostgres = server;
    process.env.TEST_DATABASE_URL = server.url;
  } catch (error) {
    process.env.TEST_DATABASE_ERROR = `No PostgreSQL for the tests: TEST_DATABASE_URL is not set and the embedded server failed: ${(error as Error).message}`;
  }
}
