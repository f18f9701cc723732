// A fresh schema on the tests' PostgreSQL for each suite (so suites never see each other's rows),
// dropped at the end. Fails loudly when the run has no PostgreSQL (see globalSetup.ts).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      process.env.TEST_DATABASE_ERROR ??
        'No PostgreSQL for the tests: TEST_DATABASE_URL is not set and jest global setup did not start one',
    );
  }
  return url;
}

export interface TestSchema {
  /** The server URL with `search_path` set to the new schema. */
  url: string;
  drop(): Promise<void>;
}

export async function createTestSchema(prefix = 't'): Promise<TestSchema> {
  const base = testDatabaseUrl();
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}
