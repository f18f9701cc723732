import { ChunkQueue } from '../../../src/platform/dataverse/chunkQueue';

describe('ChunkQueue', () => {
  test('the reader waits while the queue holds its capacity, and goes on as workers take', async () => {
    const queue = new ChunkQueue(2);
    await queue.push(['a']);
    await queue.push(['b']);
    let third = false;
    const pushing = queue.push(['c']).then(() => (third = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(third).toBe(false);
    expect(queue.size).toBe(2);
    expect(await queue.take()).toEqual(['a']);
    await pushing;
    expect(third).toBe(true);
    expect(await queue.take()).toEqual(['b']);
    expect(await queue.take()).toEqual(['c']);
  });

  test('a waiting worker gets a chunk at once, and undefined once the queue is closed and empty', async () => {
    const queue = new ChunkQueue(1);
    const waiting = queue.take();
    await queue.push(['x']);
    expect(await waiting).toEqual(['x']);
    const last = queue.take();
    queue.close();
    expect(await last).toBeUndefined();
    // A reader held back by the capacity is let go by close (the pass is over).
    const full = new ChunkQueue(1);
    await full.push(['y']);
    const held = full.push(['z']);
    full.close();
    await expect(held).resolves.toBeUndefined();
  });

  test('the rows a cut batch left over go back first in line, past the capacity, and to a waiting worker at once', async () => {
    const queue = new ChunkQueue(1);
    await queue.push(['a', 'b']);
    queue.putBack(['r']);
    expect(queue.size).toBe(2);
    expect(await queue.take()).toEqual(['r']);
    expect(await queue.take()).toEqual(['a', 'b']);
    const waiting = queue.take();
    queue.putBack(['s']);
    expect(await waiting).toEqual(['s']);
    // Closed meanwhile (the reader is done), what was put back is still taken before the end.
    queue.putBack(['t']);
    queue.close();
    expect(await queue.take()).toEqual(['t']);
    expect(await queue.take()).toBeUndefined();
  });

  test('once closed, a take shares the rows left among the ways asked for; before, it takes whole chunks', async () => {
    const queue = new ChunkQueue();
    const chunk = (from: number, n: number) => Array.from({ length: n }, (_, i) => `r${from + i}`);
    await queue.push(chunk(0, 10));
    await queue.push(chunk(10, 10));
    expect(await queue.take(4)).toEqual(chunk(0, 10)); // still open: more pages may come
    await queue.push(chunk(20, 10));
    queue.close();
    // 20 rows left among 4 ways: 5 each, the rest back first in line, in order.
    expect(await queue.take(4)).toEqual(chunk(10, 5));
    expect(await queue.take(4)).toEqual(chunk(15, 4)); // 15 left: ceil(15 / 4)
    expect(await queue.take()).toEqual(chunk(19, 1)); // without ways: the chunk as it is
    expect(await queue.take(4)).toEqual(chunk(20, 3));
    expect(queue.size).toBe(1);
    expect(await queue.take(1)).toEqual(chunk(23, 7));
    expect(await queue.take(4)).toBeUndefined();
  });
});
