import { Admission } from '../../src/http/admission';

/** The turn-taking of GraphQL operations (src/http/admission.ts), as pure logic. */
describe('Admission: at most N operations at once, the others in arrival order', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  it('admits up to the limit at once, queues the rest, and passes each freed slot to the longest waiting', async () => {
    const gate = new Admission(2);
    const order: string[] = [];
    const releases: Record<string, () => void> = {};
    for (const name of ['a', 'b', 'c', 'd']) {
      void gate.acquire(new AbortController().signal).then((release) => {
        order.push(name);
        releases[name] = release!;
      });
    }
    await tick();
    expect(order).toEqual(['a', 'b']);
    expect([gate.active, gate.queued]).toEqual([2, 2]);
    releases.b();
    releases.b(); // a second release of the same turn frees nothing more
    await tick();
    expect(order).toEqual(['a', 'b', 'c']);
    expect([gate.active, gate.queued]).toEqual([2, 1]);
    releases.a();
    await tick();
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    releases.c();
    releases.d();
    expect([gate.active, gate.queued]).toEqual([0, 0]);
  });

  it('a request whose time runs out while waiting leaves the queue with null and takes no slot', async () => {
    const gate = new Admission(1);
    const first = await gate.acquire(new AbortController().signal);
    const timeout = new AbortController();
    const waiting = gate.acquire(timeout.signal);
    const after = gate.acquire(new AbortController().signal);
    expect(gate.queued).toBe(2);
    timeout.abort();
    await expect(waiting).resolves.toBeNull();
    expect(gate.queued).toBe(1);
    first!();
    const next = await after;
    expect(typeof next).toBe('function');
    expect([gate.active, gate.queued]).toEqual([1, 0]);
    next!();
    expect(gate.active).toBe(0);
    // Already out of time: never admitted.
    const aborted = new AbortController();
    aborted.abort();
    await expect(gate.acquire(aborted.signal)).resolves.toBeNull();
    expect(gate.active).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => new Admission(0)).toThrow(/positive integer/);
  });
});
