import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { httpTrigger } from './support/fixtures';
import { spawnApp } from './support/spawned-app';
import { ADMIN_TOKEN, startTestApp } from './support/test-app';

// The newcomer's path: no DATABASE_URL, PGlite in a directory, `npm start`.
describe('embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triggerline-embedded-'));
  const env = { DATABASE_URL: '', PGLITE_DIR: dir, ADMIN_TOKEN, ROLE: 'api' };
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves webhooks from `npm start` and keeps the data across a restart', async () => {
    const first = await spawnApp(env);
    try {
      const created = await fetch(`${first.baseUrl}/api/triggers`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(httpTrigger('survivor')),
      });
      expect(created.status).toBe(201);
      const hook = await fetch(`${first.baseUrl}/hooks/survivor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'keep-me' },
        body: JSON.stringify({ hello: 'embedded' }),
      });
      expect(hook.status).toBe(202);
    } finally {
      await first.stop();
    }

    const second = await spawnApp(env);
    try {
      const duplicate = await fetch(`${second.baseUrl}/hooks/survivor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'keep-me' },
        body: JSON.stringify({ hello: 'again' }),
      });
      expect(duplicate.status).toBe(200);
      const list = await fetch(`${second.baseUrl}/api/executions`, { headers: auth });
      const body = (await list.json()) as any;
      expect(body.items).toHaveLength(1);
      expect(body.items[0].payload).toEqual({ hello: 'embedded' });
    } finally {
      await second.stop();
    }
  });

  it('accepts concurrent webhooks on its one connection, one execution per key', async () => {
    const own = mkdtempSync(join(tmpdir(), 'triggerline-embedded-'));
    const t = await startTestApp({ DATABASE_URL: '', PGLITE_DIR: own, ROLE: 'api' });
    try {
      await t.api('POST', '/api/triggers', httpTrigger('together'));
      // Concurrent deliveries share INSERTs (group commit), which queue for the one connection.
      const keys = [0, 1, 2, 3].flatMap(() => ['a', 'b', 'c', 'd', 'e', null]);
      const responses = await Promise.all(
        keys.map((key, i) =>
          t.hook('together', { i }, key === null ? {} : { 'idempotency-key': key }),
        ),
      );

      for (const key of ['a', 'b', 'c', 'd', 'e']) {
        const mine = responses.filter((_, i) => keys[i] === key);
        expect(mine.map((response) => response.status).sort()).toEqual([200, 200, 200, 202]);
        expect(new Set(mine.map((response) => response.body.executionId)).size).toBe(1);
      }
      const keyless = responses.filter((_, i) => keys[i] === null);
      expect(keyless.map((response) => response.status)).toEqual([202, 202, 202, 202]);
      const rows = await t.app.get(DataSource)
        .query(`SELECT count(*)::int AS n FROM executions e JOIN execution_payloads p
                ON p.execution_id = e.id`);
      expect(rows[0].n).toBe(5 + 4);
    } finally {
      await t.close();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('never lets a transaction see another one uncommitted writes', async () => {
    const t = await startTestApp({ DATABASE_URL: '', ROLE: 'api' });
    try {
      const dataSource = t.app.get(DataSource);
      const writer = dataSource.createQueryRunner();
      await writer.connect();
      await writer.startTransaction();
      await writer.query(
        `INSERT INTO triggers (name, slug, action, retry_policy, idempotency_key_paths)
         VALUES ('x', 'uncommitted', '{}', '{}', '{}')`,
      );
      let readerDone = false;
      const reader = dataSource
        .query(`SELECT count(*)::int AS n FROM triggers WHERE slug = 'uncommitted'`)
        .then((rows: { n: number }[]) => {
          readerDone = true;
          return rows[0].n;
        });
      // The writer still sees its own row while the reader has not been answered.
      const own = await writer.query(
        `SELECT count(*)::int AS n FROM triggers WHERE slug = 'uncommitted'`,
      );
      expect(own[0].n).toBe(1);
      expect(readerDone).toBe(false);
      await writer.rollbackTransaction();
      await writer.release();
      expect(await reader).toBe(0);
    } finally {
      await t.close();
    }
  });
});
