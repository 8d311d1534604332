import { validateEnvironment } from './env.schema';

describe(validateEnvironment.name, () => {
  it('applies every default to an empty environment', () => {
    const sut = validateEnvironment({});
    expect(sut).toMatchObject({
      PGLITE_DIR: './.data/pglite',
      MIGRATIONS_RUN: true,
      HOST: '127.0.0.1',
      PORT: 3000,
      ROLE: 'all',
      WORKER_CONCURRENCY: 10,
      WORKER_POLL_INTERVAL_MS: 1000,
      LEASE_MS: 30000,
      RETRY_MAX_ATTEMPTS: 3,
      RETRY_BASE_DELAY_MS: 2000,
      RETRY_MAX_DELAY_MS: 8000,
      RETRY_JITTER_MS: 500,
      REPLAY_COOLDOWN_MS: 60000,
      DLQ_ALERT_THRESHOLD: 10,
      DEAD_LETTER_RETENTION_DAYS: 30,
      MAX_BODY_BYTES: 1048576,
      ALERT_INTERVAL_MS: 5000,
      LOG_LEVEL: 'info',
    });
    expect(sut.DATABASE_URL).toBeUndefined();
    expect(sut.ADMIN_TOKEN).toBeUndefined();
  });

  it('converts numbers and booleans from their text', () => {
    const sut = validateEnvironment({ PORT: '8080', MIGRATIONS_RUN: 'false', ROLE: 'worker' });
    expect(sut.PORT).toBe(8080);
    expect(sut.MIGRATIONS_RUN).toBe(false);
    expect(sut.ROLE).toBe('worker');
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(validateEnvironment({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ROLE', 'boss'],
    ['WORKER_CONCURRENCY', '0'],
    ['RETRY_MAX_ATTEMPTS', '21'],
    ['MIGRATIONS_RUN', 'maybe'],
    ['DATABASE_URL', 'mysql://x'],
    ['ALERT_WEBHOOK_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['MAX_BODY_BYTES', '1.5'],
  ])('refuses a malformed %s and names it', (name, value) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(name);
  });

  it('never puts a secret value in its message', () => {
    expect(() => validateEnvironment({ ADMIN_TOKEN: 'short-secret' })).toThrow(/ADMIN_TOKEN/);
    expect(() => validateEnvironment({ ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('requires ADMIN_TOKEN in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN/);
    expect(
      validateEnvironment({ NODE_ENV: 'production', ADMIN_TOKEN: 'a-long-enough-token' })
        .ADMIN_TOKEN,
    ).toBe('a-long-enough-token');
  });
});
