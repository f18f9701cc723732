// Polls an asynchronous read (a store or engine lookup) until it yields something, or times out.
export async function eventually<T>(
  read: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await read();
    if (found !== undefined && found !== null && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
