import {
  customCleanEnv,
  EnvError,
  makeExactValidator,
  str,
  type CleanedEnv,
  type CleanedEnvAccessors,
  type ReporterOptions,
} from 'envalid';
import { parseCidrList } from '../egress/egress-policy';
import { isProxyUrl } from '../egress/proxy-for-url';

export const ROLES = ['api', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

/** OTLP over HTTP, as protobuf (the OpenTelemetry default) or JSON; gRPC is not shipped. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `pretty`: one readable line per entry; `json`: JSON lines. Unset: pretty on a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** A century: more is no retention at all, and beyond PostgreSQL's timestamps. */
const MAX_RETENTION_DAYS = 36_500;

// The validators' messages follow the variable's name and leave its value out: some variables
// (ADMIN_TOKEN, DATABASE_URL, a proxy URL) hold secrets. envalid's own validators and its
// `choices` quote the value, so only `str`, which refuses no text, is taken from it.

const int = ({ min, max }: { min: number; max?: number }) =>
  makeExactValidator<number>((input) => {
    const value = /^-?\d+$/.test(input.trim()) ? Number(input) : NaN;
    if (Number.isInteger(value) && value >= min && (max === undefined || value <= max)) {
      return value;
    }
    throw new EnvError(
      max === undefined
        ? `must be an integer, at least ${min}`
        : `must be an integer from ${min} to ${max}`,
    );
  });

const bool = makeExactValidator<boolean>((input) => {
  if (input === 'true' || input === '1') {
    return true;
  }
  if (input === 'false' || input === '0') {
    return false;
  }
  throw new EnvError('must be true or false (or 1 or 0)');
});

const oneOf = <const T extends string>(choices: readonly T[]) =>
  makeExactValidator<T>((input) => {
    const choice = choices.find((candidate) => candidate === input);
    if (choice === undefined) {
      throw new EnvError(`must be one of ${choices.join(', ')}`);
    }
    return choice;
  });

const urlOf = (protocols: readonly string[]) =>
  makeExactValidator<string>((input) => {
    const url = URL.canParse(input) ? new URL(input) : null;
    // The URL parser also reads `http:/host` and ` http://host`, which nobody means to write.
    const isWritten = url !== null && input.toLowerCase().startsWith(`${url.protocol}//`);
    if (!isWritten || !protocols.includes(url.protocol) || url.hostname === '') {
      throw new EnvError(`must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL`);
    }
    return input;
  });

const postgresUrl = urlOf(['postgres:', 'postgresql:']);
const httpUrl = urlOf(['http:', 'https:']);

const textOfLength = ({ min }: { min: number }) =>
  makeExactValidator<string>((input) => {
    if (input.length < min) {
      throw new EnvError(`must be at least ${min} characters long`);
    }
    return input;
  });

const matching = (pattern: RegExp, message: string) =>
  makeExactValidator<string>((input) => {
    if (!pattern.test(input)) {
      throw new EnvError(message);
    }
    return input;
  });

const cidrList = makeExactValidator<string>((input) => {
  const parsed = parseCidrList(input);
  if (!parsed.ok) {
    throw new EnvError(
      `must be comma-separated CIDR ranges, e.g. 10.0.0.0/8,fd00::/8 ("${parsed.invalid}" is not one)`,
    );
  }
  return input;
});

const proxyUrl = makeExactValidator<string>((input) => {
  if (!isProxyUrl(input)) {
    throw new EnvError('must be a proxy URL, e.g. http://proxy.internal:3128');
  }
  return input;
});

// envalid's spelling of a variable with no default: unset, it is undefined.
const OPTIONAL = { default: undefined } as const;

/** Every environment variable of the service, with its default. */
const SPECS = {
  NODE_ENV: oneOf(['development', 'production', 'test'])({ default: 'development' }),

  DATABASE_URL: postgresUrl(OPTIONAL),

  // A direct (not pooled) connection for LISTEN, session advisory locks and migrations;
  // defaults to DATABASE_URL (see validateEnvironment).
  DATABASE_DIRECT_URL: postgresUrl(OPTIONAL),

  // A read replica for the console's lists, search and stats (SPEC §17); never written to.
  DATABASE_READ_URL: postgresUrl(OPTIONAL),

  // false behind a pooler without prepared-statement support (PgBouncer before 1.21).
  DATABASE_PREPARED_STATEMENTS: bool({ default: true }),

  PGLITE_DIR: str({ default: './.data/pglite' }),

  MIGRATIONS_RUN: bool({ default: true }),

  HOST: str({ default: '127.0.0.1' }),

  PORT: int({ min: 0, max: 65535 })({ default: 3000 }),

  ADMIN_TOKEN: textOfLength({ min: 16 })(OPTIONAL),

  ROLE: oneOf(ROLES)({ default: 'all' }),

  WORKER_CONCURRENCY: int({ min: 1, max: 1000 })({ default: 10 }),

  WORKER_POLL_INTERVAL_MS: int({ min: 10 })({ default: 1000 }),

  LEASE_MS: int({ min: 1000 })({ default: 30000 }),

  RETRY_MAX_ATTEMPTS: int({ min: 1, max: 20 })({ default: 3 }),

  RETRY_BASE_DELAY_MS: int({ min: 0 })({ default: 2000 }),

  RETRY_MAX_DELAY_MS: int({ min: 0 })({ default: 8000 }),

  RETRY_JITTER_MS: int({ min: 0 })({ default: 500 }),

  REPLAY_COOLDOWN_MS: int({ min: 0 })({ default: 60000 }),

  DLQ_ALERT_THRESHOLD: int({ min: 0 })({ default: 10 }),

  /** Refused deliveries kept per trigger, newest first (SPEC §13). */
  REJECTION_MAX_PER_TRIGGER: int({ min: 1, max: 100_000 })({ default: 1000 }),

  /** Refused deliveries older than this many days are deleted. */
  REJECTION_RETENTION_DAYS: int({ min: 1, max: 3650 })({ default: 7 }),

  /** `trigger_rejecting` while a trigger refused more than this many deliveries in 15 minutes. */
  REJECTION_ALERT_THRESHOLD: int({ min: 0, max: 1_000_000 })({ default: 10 }),

  DEAD_LETTER_RETENTION_DAYS: int({ min: 1, max: MAX_RETENTION_DAYS })({ default: 30 }),

  /** 0 keeps finished executions forever. */
  EXECUTION_RETENTION_DAYS: int({ min: 0, max: MAX_RETENTION_DAYS })({ default: 30 }),

  /** 0 keeps the audit log forever. */
  AUDIT_RETENTION_DAYS: int({ min: 0, max: MAX_RETENTION_DAYS })({ default: 365 }),

  MAX_BODY_BYTES: int({ min: 1 })({ default: 1048576 }),

  /** Deliveries whose X-Triggerline-Depth is above this are refused: 400 loop_detected. */
  MAX_TRIGGER_DEPTH: int({ min: 0, max: 1000 })({ default: 8 }),

  ALERT_WEBHOOK_URL: httpUrl(OPTIONAL),

  ALERT_INTERVAL_MS: int({ min: 100 })({ default: 5000 }),

  LOG_LEVEL: oneOf(LOG_LEVELS)({ default: 'info' }),

  LOG_FORMAT: oneOf(LOG_FORMATS)(OPTIONAL),

  /** A Slack (or Mattermost) incoming-webhook URL that receives each alert as `{ text }`. */
  ALERT_SLACK_WEBHOOK_URL: httpUrl(OPTIONAL),

  /** Where people reach this service (e.g. https://hooks.example.com): links in alert messages. */
  PUBLIC_URL: httpUrl(OPTIONAL),

  /** 32 bytes in base64 (44 characters), the key that seals stored secrets. */
  SECRETS_KEY: matching(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64')(OPTIONAL),

  /** Earlier keys (comma-separated), to open and re-seal what they sealed; see docs/security.md. */
  SECRETS_KEY_PREVIOUS: matching(
    /^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/,
    'must be 32-byte keys in base64, separated by commas',
  )(OPTIONAL),

  /** Where the key is generated and kept when SECRETS_KEY is unset (not in production). */
  SECRETS_KEY_FILE: str({ default: './.data/secrets.key' }),

  /** The only ranges the worker may connect to; unset: every address not refused otherwise. */
  EGRESS_ALLOW_CIDRS: cidrList(OPTIONAL),

  /** Ranges the worker never connects to. */
  EGRESS_DENY_CIDRS: cidrList(OPTIONAL),

  // The worker's outbound calls go through these proxies. Both spellings are read, as curl
  // reads them; the lowercase one wins.
  HTTP_PROXY: proxyUrl(OPTIONAL),

  http_proxy: proxyUrl(OPTIONAL),

  HTTPS_PROXY: proxyUrl(OPTIONAL),

  https_proxy: proxyUrl(OPTIONAL),

  /** Hosts reached directly: names, `.domain` suffixes, `*`, each optionally with `:port`. */
  NO_PROXY: str(OPTIONAL),

  no_proxy: str(OPTIONAL),

  // OpenTelemetry's standard variables (SPEC §18): read here only to decide whether tracing runs
  // at all and to refuse what the service cannot do; the SDK reads them (and the other OTEL_*
  // variables: OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_HEADERS...) itself.
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl(OPTIONAL),

  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl(OPTIONAL),

  OTEL_EXPORTER_OTLP_PROTOCOL: oneOf(OTLP_PROTOCOLS)(OPTIONAL),

  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: oneOf(OTLP_PROTOCOLS)(OPTIONAL),

  /** `true`: no tracing whatever the endpoint, as every OpenTelemetry SDK reads it. */
  OTEL_SDK_DISABLED: bool({ default: false }),

  /** `none` turns traces off, as in every OpenTelemetry SDK; `otlp` is the only exporter. */
  OTEL_TRACES_EXPORTER: oneOf(['otlp', 'none'])(OPTIONAL),
};

/** The validated environment: every variable of SPECS, undefined when unset and optional. */
export type EnvironmentVariables = Omit<CleanedEnv<typeof SPECS>, keyof CleanedEnvAccessors>;

export class InvalidEnvironmentError extends Error {}

/** Validates the raw environment; throws naming every malformed variable. */
export function validateEnvironment(raw: Record<string, string | undefined>): EnvironmentVariables {
  // Not cleanEnv, which answers a frozen proxy that throws on a read of any other key.
  const env = customCleanEnv(setVariables(raw), SPECS, (cleaned) => cleaned, {
    reporter: refuseMalformed,
  });
  if (env.NODE_ENV === 'production' && env.ADMIN_TOKEN === undefined) {
    throw new InvalidEnvironmentError(
      'Invalid configuration: ADMIN_TOKEN must be set in production',
    );
  }
  if (env.NODE_ENV === 'production' && env.SECRETS_KEY === undefined) {
    throw new InvalidEnvironmentError(
      'Invalid configuration: SECRETS_KEY must be set in production',
    );
  }
  if (env.DATABASE_DIRECT_URL !== undefined && env.DATABASE_URL === undefined) {
    throw new InvalidEnvironmentError(
      'Invalid configuration: DATABASE_DIRECT_URL needs DATABASE_URL (the embedded database has no pooler)',
    );
  }
  if (env.DATABASE_READ_URL !== undefined && env.DATABASE_URL === undefined) {
    throw new InvalidEnvironmentError(
      'Invalid configuration: DATABASE_READ_URL needs DATABASE_URL (the embedded database has no replica)',
    );
  }
  return { ...env, DATABASE_DIRECT_URL: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL };
}

/** The variables set: an empty value is unset, and so is a SECRETS_KEY_PREVIOUS of white space. */
function setVariables(raw: Record<string, string | undefined>): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    // A list of keys, often written over several lines: its white space is no part of it.
    const text = name === 'SECRETS_KEY_PREVIOUS' ? value?.replace(/\s+/g, '') : value;
    if (text !== undefined && text !== '') {
      set[name] = text;
    }
  }
  return set;
}

// envalid's default reporter prints the list and exits the process; this one throws it.
function refuseMalformed({ errors }: ReporterOptions<typeof SPECS>): void {
  const problems = Object.entries(errors).map(
    ([name, error]) => `${name}: ${name} ${error?.message ?? 'is malformed'}`,
  );
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(`Invalid configuration: ${problems.join(' | ')}`);
  }
}
