// Fan-out (SPEC §14, §19): webhooks accepted per second by a pure router with 5 routes (each
// delivery makes 5 executions) against a plain trigger (1 execution), same process, same wrk
// load; and the statements each costs on the wire, which must not grow with the routes.
import { config } from '../support/config.mjs';
import { wrk } from '../support/load-tools.mjs';
import { fmt, median, ratio } from '../support/numbers.mjs';
import { createScratchDatabase, dropScratchDatabase } from '../support/postgres.mjs';
import { ADMIN_TOKEN, root, startTriggerline } from '../support/processes.mjs';
import { BODY, createTrigger, deliver } from '../support/triggerline.mjs';
import { startWireCounter } from '../support/wire-counter.mjs';
import { join } from 'node:path';

const ROUTES = 5;
const WIRE_WEBHOOKS = 50;

export async function fanoutPhase() {
  const db = await createScratchDatabase('fanout');
  const statements = await statementsOnTheWire(db.url);
  const api = await startTriggerline({ databaseUrl: db.url, role: 'api' });
  const rates = { plain: [], router: [] };
  let rejected = 0;
  try {
    const measure = async (slug, prefix) => {
      const result = await wrk(`${api.baseUrl}/hooks/${slug}`, {
        script: join(root, 'bench/wrk/hooks.lua'),
        env: { BENCH_KEY_PREFIX: prefix, BENCH_BODY: BODY },
      });
      rejected += result.errors;
      return result.requestsPerSecond;
    };
    await measure('plain', 'warm-plain');
    await measure('router', 'warm-router');
    // Alternated, so that a slower moment of the machine does not favour one side.
    for (let run = 0; run < config.repeat; run++) {
      rates.plain.push(await measure('plain', `plain-${run}`));
      rates.router.push(await measure('router', `router-${run}`));
    }
  } finally {
    await api.stop();
  }
  await dropScratchDatabase(db);

  const plain = median(rates.plain);
  const router = median(rates.router);
  // What one fanned-out delivery costs, in plain deliveries.
  const cost = ratio(plain, router);
  return {
    name: 'fanout',
    details: [
      [
        `POST /hooks/:slug, a pure router with ${ROUTES} routes (${ROUTES} executions each)`,
        `${fmt(router)} accepted/s`,
        `runs ${rates.router.map((n) => fmt(n)).join(', ')}; non-2xx over both sides ${rejected}`,
      ],
      [
        'the same, a plain trigger (1 execution each)',
        `${fmt(plain)} accepted/s`,
        `runs ${rates.plain.map((n) => fmt(n)).join(', ')}`,
      ],
      [
        'statements writing executions per accepted webhook (on the wire), plain / router',
        `${fmt(statements.plain.writes, 2)} / ${fmt(statements.router.writes, 2)}`,
        `all statements ${fmt(statements.plain.all, 2)} / ${fmt(statements.router.all, 2)} ` +
          `(with the coalesced wake-up NOTIFY); ${WIRE_WEBHOOKS} webhooks one at a time to each`,
      ],
    ],
    checks: [
      {
        target: `a fan-out of 1 → ${ROUTES} costs ≤ 2 × a plain delivery at ingest`,
        measured: `${fmt(router)}/s vs plain ${fmt(plain)}/s`,
        ratio: cost,
        pass: rejected === 0 && cost <= 2,
      },
      {
        target: `one statement writes a delivery and its ${ROUTES} routed executions`,
        measured: `${fmt(statements.router.writes, 2)} per webhook (plain ${fmt(statements.plain.writes, 2)})`,
        ratio: statements.router.writes,
        pass: statements.router.writes === 1 && statements.plain.writes === 1,
      },
    ],
  };
}

/** Makes the triggers, then counts the statements a delivery to each costs. */
async function statementsOnTheWire(databaseUrl) {
  const counter = await startWireCounter(databaseUrl);
  const api = await startTriggerline({ databaseUrl: counter.url, role: 'api' });
  try {
    // ROLE=api executes nothing: the actions' URL is never called.
    await createTrigger(api.baseUrl, 'plain', 'http://127.0.0.1:9/');
    const routes = [];
    for (let i = 0; i < ROUTES; i++) {
      routes.push({
        trigger: (await createTrigger(api.baseUrl, `leaf-${i}`, 'http://127.0.0.1:9/')).slug,
      });
    }
    const response = await fetch(`${api.baseUrl}/api/triggers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench router', slug: 'router', action: null, routes }),
    });
    if (response.status !== 201) {
      throw new Error(`creating the router answered ${response.status}: ${await response.text()}`);
    }
    const perWebhook = async (slug) => {
      await deliver(api.baseUrl, slug, `wire-warm-${slug}`);
      const before = counter.statements;
      const stop = counter.record();
      for (let i = 0; i < WIRE_WEBHOOKS; i++) {
        await deliver(api.baseUrl, slug, `wire-${slug}-${i}`);
      }
      const log = stop();
      // The coalesced wake-up NOTIFY and background jobs come and go; the writes do not.
      const writes = log.filter(({ sql }) => /insert\s+into\s+"?executions"?/i.test(sql ?? ''));
      return {
        all: (counter.statements - before) / WIRE_WEBHOOKS,
        writes: writes.length / WIRE_WEBHOOKS,
      };
    };
    return { plain: await perWebhook('plain'), router: await perWebhook('router') };
  } finally {
    await api.stop();
    await counter.close();
  }
}
