// What the benchmark asks of a running Triggerline: a trigger, and webhooks.
import http from 'node:http';
import { ADMIN_TOKEN } from './processes.mjs';

/** The webhook body used everywhere (wrk, pgbench, the peers' job payloads). */
export const BODY = JSON.stringify({
  type: 'order.created',
  order: { id: 'ord_1042', total: 4990, currency: 'EUR' },
  items: [{ sku: 'A-1', qty: 2 }],
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Creates an `http` trigger forwarding to `url`; answers its id and slug. */
export async function createTrigger(baseUrl, slug, url) {
  const response = await request(`${baseUrl}/api/triggers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Bench ${slug}`, slug, action: { type: 'http', url } }),
  });
  if (response.status !== 201) {
    throw new Error(`creating the trigger answered ${response.status}: ${response.body}`);
  }
  return { id: JSON.parse(response.body).id, slug };
}

/** Delivers one webhook with a new key; throws unless it is accepted (202). */
export async function deliver(baseUrl, slug, key) {
  const response = await request(`${baseUrl}/hooks/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: BODY,
  });
  if (response.status !== 202) {
    throw new Error(`webhook ${key} answered ${response.status}: ${response.body}`);
  }
}

/** Delivers `count` webhooks, `inFlight` at a time. */
export async function deliverMany(baseUrl, slug, prefix, count, inFlight = 16) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        await deliver(baseUrl, slug, `${prefix}-${next++}`);
      }
    }),
  );
}
