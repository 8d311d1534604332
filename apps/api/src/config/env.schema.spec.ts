import { validateEnvironment } from './env.schema';

const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

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
      EXECUTION_RETENTION_DAYS: 30,
      AUDIT_RETENTION_DAYS: 365,
      MAX_TRIGGER_DEPTH: 8,
      MAX_BODY_BYTES: 1048576,
      ALERT_INTERVAL_MS: 5000,
      LOG_LEVEL: 'info',
      DATABASE_PREPARED_STATEMENTS: true,
      SECRETS_KEY_FILE: './.data/secrets.key',
    });
    expect(sut.SECRETS_KEY).toBeUndefined();
    expect(sut.DATABASE_URL).toBeUndefined();
    expect(sut.DATABASE_DIRECT_URL).toBeUndefined();
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

  it('defaults DATABASE_DIRECT_URL to DATABASE_URL, and keeps one given apart', () => {
    const pooled = 'postgres://app@127.0.0.1:6432/triggerline';
    const direct = 'postgres://app@127.0.0.1:5432/triggerline';
    expect(validateEnvironment({ DATABASE_URL: pooled }).DATABASE_DIRECT_URL).toBe(pooled);
    expect(validateEnvironment({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: '' })).toMatchObject({
      DATABASE_DIRECT_URL: pooled,
    });
    expect(
      validateEnvironment({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct }),
    ).toMatchObject({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct });
  });

  it('refuses DATABASE_DIRECT_URL without DATABASE_URL', () => {
    expect(() =>
      validateEnvironment({ DATABASE_DIRECT_URL: 'postgres://app@127.0.0.1:5432/triggerline' }),
    ).toThrow(/DATABASE_DIRECT_URL needs DATABASE_URL/);
  });

  it('takes DATABASE_READ_URL only beside DATABASE_URL, with no default', () => {
    const primary = 'postgres://app@127.0.0.1:5432/triggerline';
    const replica = 'postgres://app@replica:5432/triggerline';
    expect(validateEnvironment({ DATABASE_URL: primary }).DATABASE_READ_URL).toBeUndefined();
    expect(
      validateEnvironment({ DATABASE_URL: primary, DATABASE_READ_URL: replica }),
    ).toMatchObject({ DATABASE_URL: primary, DATABASE_READ_URL: replica });
    expect(() => validateEnvironment({ DATABASE_READ_URL: replica })).toThrow(
      /DATABASE_READ_URL needs DATABASE_URL/,
    );
    expect(() =>
      validateEnvironment({ DATABASE_URL: primary, DATABASE_READ_URL: 'mysql://x' }),
    ).toThrow(/DATABASE_READ_URL/);
  });

  it('turns prepared statements off with DATABASE_PREPARED_STATEMENTS=false', () => {
    expect(validateEnvironment({ DATABASE_PREPARED_STATEMENTS: 'false' })).toMatchObject({
      DATABASE_PREPARED_STATEMENTS: false,
    });
    expect(validateEnvironment({ DATABASE_PREPARED_STATEMENTS: '1' })).toMatchObject({
      DATABASE_PREPARED_STATEMENTS: true,
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ROLE', 'boss'],
    ['WORKER_CONCURRENCY', '0'],
    ['RETRY_MAX_ATTEMPTS', '21'],
    ['MIGRATIONS_RUN', 'maybe'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_DIRECT_URL', 'mysql://x'],
    ['DATABASE_PREPARED_STATEMENTS', 'maybe'],
    ['ALERT_WEBHOOK_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['ALERT_SLACK_WEBHOOK_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://x'],
    ['MAX_BODY_BYTES', '1.5'],
    ['SECRETS_KEY', 'c2hvcnQ='],
    ['SECRETS_KEY_PREVIOUS', `${SECRETS_KEY},c2hvcnQ=`],
    ['EXECUTION_RETENTION_DAYS', '-1'],
    ['EXECUTION_RETENTION_DAYS', '99999999999999999999'],
    ['DEAD_LETTER_RETENTION_DAYS', '99999999999999999999'],
    ['AUDIT_RETENTION_DAYS', '-1'],
    ['AUDIT_RETENTION_DAYS', '36501'],
    ['AUDIT_RETENTION_DAYS', 'a year'],
    ['MAX_TRIGGER_DEPTH', 'deep'],
    ['EGRESS_ALLOW_CIDRS', '10.0.0.0/33'],
    ['EGRESS_DENY_CIDRS', '10.0.0.0/8,example.com'],
    ['HTTP_PROXY', 'socks5://proxy:1080'],
    ['http_proxy', 'http://'],
    ['HTTPS_PROXY', 'not a url'],
    ['https_proxy', 'ftp://proxy'],
  ])('refuses a malformed %s and names it', (name, value) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(name);
  });

  it('names the entry of a CIDR list that is not a range', () => {
    expect(() => validateEnvironment({ EGRESS_DENY_CIDRS: '10.0.0.0/8, 10.1/16' })).toThrow(
      'EGRESS_DENY_CIDRS must be comma-separated CIDR ranges, e.g. 10.0.0.0/8,fd00::/8 ("10.1/16" is not one)',
    );
  });

  it('accepts CIDR lists and proxies, and leaves them unset by default', () => {
    expect(validateEnvironment({})).toMatchObject({
      EGRESS_ALLOW_CIDRS: undefined,
      EGRESS_DENY_CIDRS: undefined,
      HTTP_PROXY: undefined,
      NO_PROXY: undefined,
    });
    const sut = validateEnvironment({
      EGRESS_ALLOW_CIDRS: '10.0.0.0/8, fd00::/8',
      EGRESS_DENY_CIDRS: '',
      https_proxy: 'proxy.internal:3128',
      NO_PROXY: 'localhost,.internal',
    });
    expect(sut).toMatchObject({
      EGRESS_ALLOW_CIDRS: '10.0.0.0/8, fd00::/8',
      EGRESS_DENY_CIDRS: undefined,
      https_proxy: 'proxy.internal:3128',
      NO_PROXY: 'localhost,.internal',
    });
  });

  it('never prints a proxy URL, which may hold a password', () => {
    expect(() => validateEnvironment({ HTTP_PROXY: 'socks5://user:hunter2@proxy' })).not.toThrow(
      /hunter2/,
    );
  });

  it('accepts EXECUTION_RETENTION_DAYS=0 (keep everything) and MAX_TRIGGER_DEPTH=0 (no hops)', () => {
    expect(
      validateEnvironment({ EXECUTION_RETENTION_DAYS: '0', MAX_TRIGGER_DEPTH: '0' }),
    ).toMatchObject({ EXECUTION_RETENTION_DAYS: 0, MAX_TRIGGER_DEPTH: 0 });
  });

  it('accepts AUDIT_RETENTION_DAYS=0 (keep the audit log forever) and a century', () => {
    expect(validateEnvironment({ AUDIT_RETENTION_DAYS: '0' }).AUDIT_RETENTION_DAYS).toBe(0);
    expect(validateEnvironment({ AUDIT_RETENTION_DAYS: '36500' }).AUDIT_RETENTION_DAYS).toBe(36500);
  });

  it('accepts a century of retention, the most', () => {
    expect(
      validateEnvironment({
        EXECUTION_RETENTION_DAYS: '36500',
        DEAD_LETTER_RETENTION_DAYS: '36500',
      }),
    ).toMatchObject({ EXECUTION_RETENTION_DAYS: 36500, DEAD_LETTER_RETENTION_DAYS: 36500 });
  });

  it('accepts LOG_FORMAT json or pretty and leaves it unset by default', () => {
    expect(validateEnvironment({}).LOG_FORMAT).toBeUndefined();
    expect(validateEnvironment({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(validateEnvironment({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
  });

  it('never puts a secret value in its message', () => {
    expect(() => validateEnvironment({ ADMIN_TOKEN: 'short-secret' })).toThrow(/ADMIN_TOKEN/);
    expect(() => validateEnvironment({ ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('requires ADMIN_TOKEN in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN/);
    expect(
      validateEnvironment({
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'a-long-enough-token',
        SECRETS_KEY: SECRETS_KEY,
      }).ADMIN_TOKEN,
    ).toBe('a-long-enough-token');
  });

  it('requires SECRETS_KEY in production and never prints it', () => {
    const production = { NODE_ENV: 'production', ADMIN_TOKEN: 'a-long-enough-token' };
    expect(() => validateEnvironment(production)).toThrow(/SECRETS_KEY must be set/);
    expect(validateEnvironment({ ...production, SECRETS_KEY }).SECRETS_KEY).toBe(SECRETS_KEY);
    expect(() => validateEnvironment({ SECRETS_KEY: 'c2hvcnQ=' })).not.toThrow(/c2hvcnQ/);
  });

  it('takes the default of a variable set to an empty value', () => {
    expect(
      validateEnvironment({ PORT: '', HOST: '', MIGRATIONS_RUN: '', ROLE: '', NODE_ENV: '' }),
    ).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      MIGRATIONS_RUN: true,
      ROLE: 'all',
      NODE_ENV: 'development',
    });
  });

  it('refuses a boolean that is not true, false, 1 or 0', () => {
    for (const value of ['yes', 'on', 'TRUE', 't']) {
      expect(() => validateEnvironment({ OTEL_SDK_DISABLED: value })).toThrow(
        'OTEL_SDK_DISABLED must be true or false (or 1 or 0)',
      );
    }
  });

  it('refuses a URL without its //', () => {
    expect(() => validateEnvironment({ PUBLIC_URL: 'https:/hooks.example.com' })).toThrow(
      'PUBLIC_URL must be a http:// or https:// URL',
    );
    expect(() => validateEnvironment({ DATABASE_URL: 'postgres:/db' })).toThrow('DATABASE_URL');
  });

  it('strips the white space of SECRETS_KEY_PREVIOUS, and takes one of white space as unset', () => {
    expect(
      validateEnvironment({ SECRETS_KEY_PREVIOUS: ` ${SECRETS_KEY},\n  ${SECRETS_KEY}\n` })
        .SECRETS_KEY_PREVIOUS,
    ).toBe(`${SECRETS_KEY},${SECRETS_KEY}`);
    expect(
      validateEnvironment({ SECRETS_KEY_PREVIOUS: ' \n ' }).SECRETS_KEY_PREVIOUS,
    ).toBeUndefined();
  });

  it('names every malformed variable at once and quotes none of their values', () => {
    const malformed = {
      PORT: 'eighty',
      ROLE: 'boss',
      ADMIN_TOKEN: 'short-secret',
      DATABASE_URL: 'mysql://root:hunter2@db',
    };
    expect(() => validateEnvironment(malformed)).toThrow(
      'Invalid configuration: DATABASE_URL: DATABASE_URL must be a postgres:// or postgresql:// URL' +
        ' | PORT: PORT must be an integer from 0 to 65535' +
        ' | ADMIN_TOKEN: ADMIN_TOKEN must be at least 16 characters long' +
        ' | ROLE: ROLE must be one of api, worker, all',
    );
  });

  it('answers a plain object, with only the variables of the schema', () => {
    const sut = validateEnvironment({ PATH: '/usr/bin', PORT: '8080' });
    expect(Object.isFrozen(sut)).toBe(false);
    expect(sut).not.toHaveProperty('PATH');
  });
});
