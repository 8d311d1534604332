import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../apps/api/src/secrets/secret-box';
import { StoredSecretsSealer } from '../../apps/api/src/triggers/stored-secrets-sealer';
import { describeMedium, type MediumDatabase, openMediumDatabase } from './medium-database';

const POLICY = '{"maxAttempts":1,"baseDelayMs":0,"maxDelayMs":0,"jitterMs":0}';

describeMedium(StoredSecretsSealer.name, () => {
  let db: MediumDatabase;

  beforeEach(async () => {
    db = await openMediumDatabase({ poolSize: 8 });
  });
  afterEach(() => db.close());

  async function insertTrigger(input: { slug: string; action: object; secret?: string }) {
    await db.query(
      `INSERT INTO triggers (name, slug, action, retry_policy, idempotency_key_paths, secret)
       VALUES ($1, $1, $2, '${POLICY}', '{}', $3)`,
      [input.slug, JSON.stringify(input.action), input.secret ?? null],
    );
  }

  const whatsapp = (apiKey: string) => ({
    type: 'whatsapp',
    baseUrl: 'http://127.0.0.1:9',
    apiKey,
    toPath: 'phone',
    textTemplate: 'hi',
    timeoutMs: 1000,
  });
  const http = (secretHeaders: Record<string, string>) => ({
    type: 'http',
    url: 'http://127.0.0.1:9',
    method: 'POST',
    headers: null,
    secretHeaders,
    timeoutMs: 1000,
  });

  it('seals every plain secret exactly once when several processes start at once', async () => {
    const count = 40;
    for (let n = 0; n < count; n++) {
      await insertTrigger({
        slug: `legacy-${n}`,
        action: whatsapp(`api-key-${n}`),
        secret: `secret-${n}`,
      });
      await insertTrigger({ slug: `headers-${n}`, action: http({ Authorization: `Bearer ${n}` }) });
    }
    const key = randomBytes(32);
    const sealers = Array.from(
      { length: 4 },
      () => new StoredSecretsSealer(db.dataSource, new SecretBox(key)),
    );

    const reports = await Promise.all(sealers.map((sut) => sut.sealAll()));

    // Each trigger is sealed by exactly one of the racing processes.
    expect(reports.reduce((sum, report) => sum + report.updated, 0)).toBe(2 * count);
    expect(await sealers[0].sealAll()).toEqual({ updated: 0, unopenable: [] });
    const box = new SecretBox(key);
    const rows = await db.query(`SELECT slug, secret, verification, action FROM triggers`);
    for (const row of rows) {
      const n = row.slug.split('-')[1];
      expect(row.secret).toBeNull();
      if (row.slug.startsWith('legacy-')) {
        expect(row.verification.scheme).toBe('hmac-sha256');
        expect(box.open(row.verification.secrets[0].value)).toBe(`secret-${n}`);
        expect(box.open(row.action.apiKey)).toBe(`api-key-${n}`);
      } else {
        expect(box.open(row.action.secretHeaders.Authorization)).toBe(`Bearer ${n}`);
      }
    }
  });

  it('re-seals under SECRETS_KEY what a previous key sealed, once, with processes racing', async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const old = new SecretBox(oldKey);
    for (let n = 0; n < 20; n++) {
      await insertTrigger({ slug: `wa-${n}`, action: whatsapp(old.seal(`key-${n}`)) });
      await insertTrigger({ slug: `http-${n}`, action: http({ 'X-Api-Key': old.seal(`h-${n}`) }) });
    }
    const sealers = Array.from(
      { length: 3 },
      () => new StoredSecretsSealer(db.dataSource, new SecretBox(newKey, [oldKey])),
    );

    const reports = await Promise.all(sealers.map((sut) => sut.sealAll()));

    expect(reports.reduce((sum, report) => sum + report.updated, 0)).toBe(40);
    // Afterwards the old key may go: the new one alone opens everything.
    const alone = new SecretBox(newKey);
    expect(await new StoredSecretsSealer(db.dataSource, alone).sealAll()).toEqual({
      updated: 0,
      unopenable: [],
    });
    const rows = await db.query(`SELECT slug, action FROM triggers`);
    for (const row of rows) {
      const n = row.slug.split('-')[1];
      const sealed = row.slug.startsWith('wa-')
        ? row.action.apiKey
        : row.action.secretHeaders['X-Api-Key'];
      expect(alone.isSealedUnderCurrentKey(sealed)).toBe(true);
      expect(alone.open(sealed)).toBe(row.slug.startsWith('wa-') ? `key-${n}` : `h-${n}`);
    }
  });

  it('re-seals the verification secret of a pure router, whose action is null', async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const verification = {
      scheme: 'hmac-sha256',
      secrets: [{ value: new SecretBox(oldKey).seal('router-secret'), expiresAt: null }],
      toleranceSeconds: 300,
    };
    await db.query(
      `INSERT INTO triggers (name, slug, action, routes, verification, retry_policy,
                             idempotency_key_paths)
       VALUES ('router', 'router', NULL, '[{"trigger": "x"}]', $1, '${POLICY}', '{}')`,
      [JSON.stringify(verification)],
    );

    const report = await new StoredSecretsSealer(
      db.dataSource,
      new SecretBox(newKey, [oldKey]),
    ).sealAll();

    expect(report).toEqual({ updated: 1, unopenable: [] });
    const [row] = await db.query(`SELECT action, verification FROM triggers`);
    expect(row.action).toBeNull();
    const alone = new SecretBox(newKey);
    expect(alone.open(row.verification.secrets[0].value)).toBe('router-secret');
  });

  it('reports, by trigger and field, a secret no configured key opens, and leaves it', async () => {
    const stranger = new SecretBox(randomBytes(32));
    const sealed = stranger.seal('unknown to this process');
    await insertTrigger({ slug: 'orphan', action: whatsapp(sealed) });

    const report = await new StoredSecretsSealer(
      db.dataSource,
      new SecretBox(randomBytes(32)),
    ).sealAll();

    expect(report).toEqual({
      updated: 0,
      unopenable: [
        {
          trigger: 'orphan',
          field: 'action.apiKey',
          problem: expect.stringContaining(stranger.keyId),
        },
      ],
    });
    const [row] = await db.query(`SELECT action ->> 'apiKey' AS "apiKey" FROM triggers`);
    expect(row.apiKey).toBe(sealed);
  });
});
