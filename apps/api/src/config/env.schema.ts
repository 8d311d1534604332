import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
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

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (value === 'true' || value === '1') {
    return true;
  }
  if (value === 'false' || value === '0') {
    return false;
  }
  return value;
};

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  value === '' ? undefined : value;

const IsCidrList = () =>
  ValidateBy({
    name: 'isCidrList',
    validator: {
      validate: (value) => typeof value === 'string' && parseCidrList(value).ok,
      defaultMessage: (args) => {
        const parsed = typeof args?.value === 'string' ? parseCidrList(args.value) : null;
        const culprit = parsed?.ok === false ? ` ("${parsed.invalid}" is not one)` : '';
        return `$property must be comma-separated CIDR ranges, e.g. 10.0.0.0/8,fd00::/8${culprit}`;
      },
    },
  });

// The message leaves the value out: a proxy URL may carry a password.
const IsProxyUrl = () =>
  ValidateBy({
    name: 'isProxyUrl',
    validator: {
      validate: (value) => typeof value === 'string' && isProxyUrl(value),
      defaultMessage: () => '$property must be a proxy URL, e.g. http://proxy.internal:3128',
    },
  });

/** Every environment variable of the service, with its default. */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  // A direct (not pooled) connection for LISTEN, session advisory locks and migrations;
  // defaults to DATABASE_URL (see validateEnvironment).
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_DIRECT_URL?: string;

  // A read replica for the console's lists, search and stats (SPEC §17); never written to.
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_READ_URL?: string;

  // false behind a pooler without prepared-statement support (PgBouncer before 1.21).
  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_PREPARED_STATEMENTS = true;

  @IsString()
  PGLITE_DIR = './.data/pglite';

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsString()
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16)
  ADMIN_TOKEN?: string;

  @IsIn(ROLES)
  ROLE: Role = 'all';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_CONCURRENCY = 10;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  WORKER_POLL_INTERVAL_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  LEASE_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  RETRY_MAX_ATTEMPTS = 3;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RETRY_BASE_DELAY_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RETRY_MAX_DELAY_MS = 8000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RETRY_JITTER_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  REPLAY_COOLDOWN_MS = 60000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  DLQ_ALERT_THRESHOLD = 10;

  /** Refused deliveries kept per trigger, newest first (SPEC §13). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  REJECTION_MAX_PER_TRIGGER = 1000;

  /** Refused deliveries older than this many days are deleted. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  REJECTION_RETENTION_DAYS = 7;

  /** `trigger_rejecting` while a trigger refused more than this many deliveries in 15 minutes. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  REJECTION_ALERT_THRESHOLD = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_RETENTION_DAYS)
  DEAD_LETTER_RETENTION_DAYS = 30;

  /** 0 keeps finished executions forever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_DAYS)
  EXECUTION_RETENTION_DAYS = 30;

  /** 0 keeps the audit log forever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_DAYS)
  AUDIT_RETENTION_DAYS = 365;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_BODY_BYTES = 1048576;

  /** Deliveries whose X-Triggerline-Depth is above this are refused: 400 loop_detected. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  MAX_TRIGGER_DEPTH = 8;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  ALERT_WEBHOOK_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  ALERT_INTERVAL_MS = 5000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: LogFormat;

  /** A Slack (or Mattermost) incoming-webhook URL that receives each alert as `{ text }`. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  ALERT_SLACK_WEBHOOK_URL?: string;

  /** Where people reach this service (e.g. https://hooks.example.com): links in alert messages. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_URL?: string;

  /** 32 bytes in base64 (44 characters), the key that seals stored secrets. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'SECRETS_KEY must be 32 bytes in base64' })
  SECRETS_KEY?: string;

  /** Earlier keys (comma-separated), to open and re-seal what they sealed; see docs/security.md. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' ? value.replace(/\s+/g, '') : undefined,
  )
  @Matches(/^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/, {
    message: 'SECRETS_KEY_PREVIOUS must be 32-byte keys in base64, separated by commas',
  })
  SECRETS_KEY_PREVIOUS?: string;

  /** Where the key is generated and kept when SECRETS_KEY is unset (not in production). */
  @IsString()
  SECRETS_KEY_FILE = './.data/secrets.key';

  /** The only ranges the worker may connect to; unset: every address not refused otherwise. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsCidrList()
  EGRESS_ALLOW_CIDRS?: string;

  /** Ranges the worker never connects to. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsCidrList()
  EGRESS_DENY_CIDRS?: string;

  // The worker's outbound calls go through these proxies. Both spellings are read, as curl
  // reads them; the lowercase one wins.
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsProxyUrl()
  HTTP_PROXY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsProxyUrl()
  http_proxy?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsProxyUrl()
  HTTPS_PROXY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsProxyUrl()
  https_proxy?: string;

  /** Hosts reached directly: names, `.domain` suffixes, `*`, each optionally with `:port`. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  NO_PROXY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  no_proxy?: string;

  // OpenTelemetry's standard variables (SPEC §18): read here only to decide whether tracing runs
  // at all and to refuse what the service cannot do; the SDK reads them (and the other OTEL_*
  // variables: OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_HEADERS...) itself.
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(OTLP_PROTOCOLS)
  OTEL_EXPORTER_OTLP_PROTOCOL?: OtlpProtocol;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(OTLP_PROTOCOLS)
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: OtlpProtocol;

  /** `true`: no tracing whatever the endpoint, as every OpenTelemetry SDK reads it. */
  @Transform(toBoolean)
  @IsBoolean()
  OTEL_SDK_DISABLED = false;

  /** `none` turns traces off, as in every OpenTelemetry SDK; `otlp` is the only exporter. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['otlp', 'none'])
  OTEL_TRACES_EXPORTER?: 'otlp' | 'none';
}

export class InvalidEnvironmentError extends Error {}

/** Validates the raw environment; throws naming every malformed variable. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.map(
      // Values are left out: some variables (ADMIN_TOKEN, DATABASE_URL) hold secrets.
      (error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`,
    );
    throw new InvalidEnvironmentError(`Invalid configuration: ${problems.join(' | ')}`);
  }
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
  env.DATABASE_DIRECT_URL ??= env.DATABASE_URL;
  return env;
}
