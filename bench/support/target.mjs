// The downstream of every system under test: a loopback HTTP server answering 200 at once and
// noting when each request arrived, on the clock of the process that sent the webhooks.
import { once } from 'node:events';
import http from 'node:http';

export async function startTarget() {
  const state = { count: 0, firstAt: null, lastAt: null, waiters: [] };
  const server = http.createServer((req, res) => {
    const at = performance.now();
    state.count += 1;
    state.firstAt ??= at;
    state.lastAt = at;
    for (const waiter of state.waiters.filter((w) => state.count >= w.count)) {
      state.waiters.splice(state.waiters.indexOf(waiter), 1);
      waiter.resolve(at);
    }
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    get count() {
      return state.count;
    },
    get firstAt() {
      return state.firstAt;
    },
    /** Forgets every arrival so far. */
    reset() {
      state.count = 0;
      state.firstAt = null;
      state.lastAt = null;
    },
    /**
     * Resolves with the arrival time of the `count`-th request since the last reset; rejects
     * after `timeoutMs`.
     */
    arrival(count, timeoutMs = 30_000) {
      if (state.count >= count) {
        return Promise.resolve(state.lastAt);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          state.waiters.splice(state.waiters.indexOf(waiter), 1);
          reject(new Error(`request ${count} did not arrive within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          count,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        };
        state.waiters.push(waiter);
      });
    },
    async close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
