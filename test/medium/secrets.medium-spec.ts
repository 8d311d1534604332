import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../apps/api/src/secrets/secret-box';
import { LegacySecretsSealer } from '../../apps/api/src/triggers/seal-legacy-secrets';
import { describeMedium, type MediumDatabase, openMediumDatabase } from './medium-database';

describeMedium('LegacySecretsSealer', () => {
  let db: MediumDatabase;

  beforeAll(async () => {
    db = await openMediumDatabase({ poolSize: 8 });
  });
  afterAll(() => db.close());

  it('seals every plain secret and API key exactly once when several processes start at once', async () => {
    const count = 40;
    for (let n = 0; n < count; n++) {
      await db.query(
        `INSERT INTO triggers (name, slug, action, retry_policy, idempotency_key_paths, secret)
         VALUES ($1, $1, $2, '{"maxAttempts":1,"baseDelayMs":0,"maxDelayMs":0,"jitterMs":0}', '{}', $3)`,
        [
          `legacy-${n}`,
          JSON.stringify({
            type: 'whatsapp',
            baseUrl: 'http://127.0.0.1:9',
            apiKey: `api-key-${n}`,
            toPath: 'phone',
            textTemplate: 'hi',
            timeoutMs: 1000,
          }),
          `secret-${n}`,
        ],
      );
    }
    const key = randomBytes(32);
    const sealers = Array.from(
      { length: 4 },
      () => new LegacySecretsSealer(db.dataSource, new SecretBox(key)),
    );

    const sealed = await Promise.all(sealers.map((sut) => sut.sealAll()));

    // Each plain value is sealed by exactly one of the racing processes.
    expect(sealed.reduce((sum, n) => sum + n, 0)).toBe(2 * count);
    expect(await sealers[0].sealAll()).toBe(0);
    const box = new SecretBox(key);
    const rows = await db.query(
      `SELECT slug, secret, verification, action ->> 'apiKey' AS "apiKey" FROM triggers ORDER BY slug`,
    );
    for (const row of rows) {
      const n = row.slug.slice('legacy-'.length);
      expect(row.secret).toBeNull();
      expect(row.verification.scheme).toBe('hmac-sha256');
      expect(row.verification.secrets).toHaveLength(1);
      expect(box.open(row.verification.secrets[0].value)).toBe(`secret-${n}`);
      expect(box.open(row.apiKey)).toBe(`api-key-${n}`);
    }
  });
});
