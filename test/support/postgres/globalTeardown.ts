// Jest global teardown: stops the embedded PostgreSQL of globalSetup (and removes its data folder).
export default async function globalTeardown(): Promise<void> {
  await globalThis.__embeddedPostgres?.stop();
  globalThis.__embeddedPostgres = undefined;
}
