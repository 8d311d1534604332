import {
  type AbstractControl,
  FormControl,
  FormGroup,
  type ValidationErrors,
  type ValidatorFn,
  Validators,
} from '@angular/forms';
import type { ActionType, HttpMethod, Trigger } from '@triggerline/contracts';
import type { TriggerBody } from './trigger-api';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DEAD_LETTER_GLOB = /^(\*|[a-z0-9][a-z0-9-]{0,62}\*?)$/;

/** The idempotency key paths a new trigger starts with (the API's defaults). */
export const DEFAULT_KEY_PATHS = [
  'idempotency_key',
  'messageId',
  'data.messageId',
  'data.idempotency_key',
];

export type TriggerFormMode = 'create' | 'edit';

const httpUrl: ValidatorFn = (control) => {
  const value = String(control.value ?? '').trim();
  if (value === '') {
    return null;
  }
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : { url: true };
  } catch {
    return { url: true };
  }
};

/** Optional JSON object of string values, such as extra request headers. */
const stringRecordJson: ValidatorFn = (control) => {
  const value = String(control.value ?? '').trim();
  if (value === '') {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(value);
    const isRecord =
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((item) => typeof item === 'string');
    return isRecord ? null : { headers: true };
  } catch {
    return { headers: true };
  }
};

const minLengthUnlessEmpty =
  (length: number): ValidatorFn =>
  (control: AbstractControl): ValidationErrors | null => {
    const value = String(control.value ?? '');
    return value === '' || value.length >= length
      ? null
      : { minlength: { requiredLength: length } };
  };

function optionalInt(min: number, max: number): FormControl<number | null> {
  return new FormControl<number | null>(null, [Validators.min(min), Validators.max(max)]);
}

export function buildTriggerForm() {
  return new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(200)],
    }),
    slug: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.pattern(SLUG_PATTERN)],
    }),
    enabled: new FormControl(true, { nonNullable: true }),
    actionType: new FormControl<ActionType>('http', { nonNullable: true }),
    http: new FormGroup({
      url: new FormControl('', { nonNullable: true, validators: [Validators.required, httpUrl] }),
      method: new FormControl<HttpMethod>('POST', { nonNullable: true }),
      headers: new FormControl('', { nonNullable: true, validators: [stringRecordJson] }),
      timeoutMs: optionalInt(100, 120_000),
    }),
    whatsapp: new FormGroup({
      baseUrl: new FormControl('', {
        nonNullable: true,
        validators: [Validators.required, httpUrl],
      }),
      apiKey: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
      toPath: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
      textTemplate: new FormControl('', {
        nonNullable: true,
        validators: [Validators.required, Validators.maxLength(4096)],
      }),
      timeoutMs: optionalInt(100, 120_000),
    }),
    retryPolicy: new FormGroup({
      maxAttempts: optionalInt(1, 20),
      baseDelayMs: optionalInt(0, 86_400_000),
      maxDelayMs: optionalInt(0, 86_400_000),
      jitterMs: optionalInt(0, 3_600_000),
    }),
    idempotencyKeyPaths: new FormControl(DEFAULT_KEY_PATHS.join('\n'), { nonNullable: true }),
    dailyWatermark: new FormControl<number | null>(null, [Validators.min(1)]),
    secret: new FormControl('', {
      nonNullable: true,
      validators: [minLengthUnlessEmpty(8), Validators.maxLength(512)],
    }),
    removeSecret: new FormControl(false, { nonNullable: true }),
    onDeadLetter: new FormControl('', {
      nonNullable: true,
      validators: [Validators.pattern(DEAD_LETTER_GLOB)],
    }),
  });
}

export type TriggerFormGroup = ReturnType<typeof buildTriggerForm>;
export type TriggerFormValue = ReturnType<TriggerFormGroup['getRawValue']>;

/** Enables the fields of the chosen action type and disables the other's, so only they validate. */
export function applyActionType(form: TriggerFormGroup, type: ActionType): void {
  const [active, inactive] =
    type === 'http'
      ? [form.controls.http, form.controls.whatsapp]
      : [form.controls.whatsapp, form.controls.http];
  active.enable({ emitEvent: false });
  inactive.disable({ emitEvent: false });
  form.updateValueAndValidity();
}

/** Fills the form from a stored trigger; write-only fields stay empty and become optional. */
export function fillTriggerForm(form: TriggerFormGroup, trigger: Trigger): void {
  const action = trigger.action;
  form.patchValue({
    name: trigger.name,
    slug: trigger.slug,
    enabled: trigger.enabled,
    actionType: action.type,
    retryPolicy: trigger.retryPolicy,
    idempotencyKeyPaths: trigger.idempotencyKeyPaths.join('\n'),
    dailyWatermark: trigger.dailyWatermark,
    secret: '',
    removeSecret: false,
    onDeadLetter: trigger.onDeadLetter ?? '',
  });
  if (action.type === 'http') {
    form.controls.http.patchValue({
      url: action.url,
      method: action.method,
      headers:
        action.headers && Object.keys(action.headers).length > 0
          ? JSON.stringify(action.headers, null, 2)
          : '',
      timeoutMs: action.timeoutMs,
    });
  } else {
    form.controls.whatsapp.patchValue({
      baseUrl: action.baseUrl,
      apiKey: '',
      toPath: action.toPath,
      textTemplate: action.textTemplate,
      timeoutMs: action.timeoutMs,
    });
  }
  // A stored API key is kept when the field stays empty.
  const apiKey = form.controls.whatsapp.controls.apiKey;
  apiKey.setValidators(action.type === 'whatsapp' && action.hasApiKey ? [] : [Validators.required]);
  apiKey.updateValueAndValidity({ emitEvent: false });
  applyActionType(form, action.type);
}

function parseKeyPaths(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((path) => path.trim())
    .filter((path) => path !== '');
}

function withoutNulls<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<T>;
}

/**
 * The JSON body for `POST /api/triggers` (create) or `PATCH /api/triggers/:id` (edit). Empty
 * optional fields mean "server default" on create and "remove" on edit; empty write-only
 * fields (secret, WhatsApp API key) are left out so the stored value is kept.
 */
export function toTriggerBody(value: TriggerFormValue, mode: TriggerFormMode): TriggerBody {
  const body: TriggerBody = {
    name: value.name.trim(),
    slug: value.slug.trim(),
    enabled: value.enabled,
  };

  if (value.actionType === 'http') {
    const http = value.http;
    const headers = http.headers.trim();
    body['action'] = withoutNulls({
      type: 'http',
      url: http.url.trim(),
      method: http.method,
      headers: headers === '' ? null : (JSON.parse(headers) as Record<string, string>),
      timeoutMs: http.timeoutMs,
    });
  } else {
    const whatsapp = value.whatsapp;
    body['action'] = withoutNulls({
      type: 'whatsapp',
      baseUrl: whatsapp.baseUrl.trim(),
      apiKey: whatsapp.apiKey === '' ? null : whatsapp.apiKey,
      toPath: whatsapp.toPath.trim(),
      textTemplate: whatsapp.textTemplate,
      timeoutMs: whatsapp.timeoutMs,
    });
  }

  const retryPolicy = withoutNulls(value.retryPolicy);
  if (Object.keys(retryPolicy).length > 0 || mode === 'edit') {
    body['retryPolicy'] = retryPolicy;
  }

  body['idempotencyKeyPaths'] = parseKeyPaths(value.idempotencyKeyPaths);

  if (value.dailyWatermark !== null || mode === 'edit') {
    body['dailyWatermark'] = value.dailyWatermark;
  }

  if (value.removeSecret) {
    body['secret'] = null;
  } else if (value.secret !== '') {
    body['secret'] = value.secret;
  }

  const onDeadLetter = value.onDeadLetter.trim();
  if (onDeadLetter !== '' || mode === 'edit') {
    body['onDeadLetter'] = onDeadLetter === '' ? null : onDeadLetter;
  }
  return body;
}

/** `${origin}/hooks/<slug>`: where senders deliver webhooks for this trigger. */
export function webhookUrl(origin: string, slug: string): string {
  return `${origin}/hooks/${slug}`;
}

/** A copyable delivery example, signed when the trigger has a secret. */
export function curlExample(url: string, hasSecret: boolean): string {
  const body = `{"messageId":"example-1","hello":"world"}`;
  const lines = [
    `curl -X POST '${url}'`,
    `  -H 'content-type: application/json'`,
    ...(hasSecret
      ? [
          `  -H "X-Signature-256: sha256=$(printf '%s' '${body}' | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')"`,
        ]
      : []),
    `  -d '${body}'`,
  ];
  return lines.join(' \\\n');
}
