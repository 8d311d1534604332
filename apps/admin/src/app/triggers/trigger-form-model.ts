import {
  type AbstractControl,
  FormArray,
  FormControl,
  FormGroup,
  type ValidationErrors,
  type ValidatorFn,
  Validators,
} from '@angular/forms';
import {
  type ActionRequest,
  type ActionType,
  type CreateTriggerRequest,
  renderBodyTemplate,
  DEFAULT_ACTION_TIMEOUT_MS,
  defaultIdempotencyKeyHeaders,
  defaultIdempotencyKeyPaths,
  defaultRedactPaths,
  effectiveUnknownOutcome,
  FLOW_CONTROL_LIMITS,
  type HttpActionRequest,
  type HttpMethod,
  isCredentialHeaderName,
  isHeaderName,
  isHeaderValue,
  isValidDeadLetterGlob,
  MAX_ACTION_HEADERS,
  type RetryPolicy,
  type RetrySchedule,
  retrySchedule,
  SLUG_PATTERN,
  type Trigger,
  type UnknownOutcomePolicy,
  type WatermarkAction,
} from '@triggerline/contracts';
import { deliveryFilterJson, formatFilter, parseFilter } from './delivery-filter-form';
import { buildRoutesArray, setRoutes, toRoutes } from './route-form';
import {
  buildDeliveryOrderForm,
  deliveryOrderFormValue,
  toDeliveryOrderBody,
} from './delivery-order-form';
import {
  buildWhatsappGroup,
  classificationRulesJson,
  formatClassificationRules,
  parseClassificationRules,
  toWhatsappActionRequest,
  whatsappFormValue,
} from './whatsapp-form';
import {
  buildVerificationGroup,
  presetInput,
  toVerificationRequest,
  verificationFormValue,
} from './verification-form';

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

/** The JSON object of string values `text` holds, or null when it holds anything else. */
function parseStringRecord(text: string): Record<string, string> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    const isRecord =
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((item) => typeof item === 'string');
    return isRecord ? (parsed as Record<string, string>) : null;
  } catch {
    return null;
  }
}

/** Optional JSON object of string values, such as extra request headers. */
const stringRecordJson: ValidatorFn = (control) => {
  const value = String(control.value ?? '').trim();
  return value === '' || parseStringRecord(value) !== null ? null : { headers: true };
};

/** The names in a headers JSON object that the API will move into the secret headers. */
export function credentialHeaderNames(headersJson: string): string[] {
  const text = headersJson.trim();
  const headers = text === '' ? null : parseStringRecord(text);
  return headers === null ? [] : Object.keys(headers).filter(isCredentialHeaderName);
}

// Spaces around a name are trimmed when it is sent.
const headerName: ValidatorFn = (control) =>
  isHeaderName(String(control.value ?? '').trim()) ? null : { headerName: true };

const headerValue: ValidatorFn = (control) =>
  isHeaderValue(String(control.value ?? '')) ? null : { headerValue: true };

/** A stored secret header: its value is never known here, only replaced or kept. */
function buildStoredSecretHeader(name: string) {
  return new FormGroup({
    name: new FormControl(name, { nonNullable: true }),
    /** A new value; empty keeps the stored one. */
    replacement: new FormControl('', { nonNullable: true, validators: [headerValue] }),
    /** Left out of the request, so the API deletes it. */
    isRemoved: new FormControl(false, { nonNullable: true }),
  });
}

function buildNewSecretHeader() {
  return new FormGroup({
    name: new FormControl('', { nonNullable: true, validators: [Validators.required, headerName] }),
    value: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, headerValue],
    }),
  });
}

/** Header names are case-insensitive: one name may not be both kept and added, nor added twice. */
const secretHeaderNamesRule: ValidatorFn = (group: AbstractControl): ValidationErrors | null => {
  const { storedSecretHeaders, newSecretHeaders } = (group as HttpFormGroup).getRawValue();
  const names = [
    ...storedSecretHeaders.filter((stored) => !stored.isRemoved).map((stored) => stored.name),
    ...newSecretHeaders.map((added) => added.name.trim()).filter((name) => name !== ''),
  ].map((name) => name.toLowerCase());
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    return { secretHeaderRepeated: repeated };
  }
  return names.length > MAX_ACTION_HEADERS ? { secretHeaderCount: MAX_ACTION_HEADERS } : null;
};

/** How the form edits `action.body`: a template is edited as JSON text. */
export type BodyModeChoice = 'payload' | 'raw' | 'template';

/** The names of a list typed one per line or comma-separated. */
export function parseNameList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

const headerNameList: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const names = parseNameList(String(control.value ?? ''));
  return names.every(isHeaderName) ? null : { headerNameList: true };
};

/** The template a text holds (a JSON object or array), or null. */
export function parseBodyTemplate(text: string): Record<string, unknown> | unknown[] | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown> | unknown[])
      : null;
  } catch {
    return null;
  }
}

/**
 * What a template sends for a delivery's payload, as the worker builds it (the same rule from
 * libs/contracts): the JSON text, or why nothing would be sent.
 */
export function previewBodyTemplate(
  text: string,
  payload: unknown,
): { ok: true; body: string } | { ok: false; problem: string } {
  const template = parseBodyTemplate(text);
  if (template === null) {
    return { ok: false, problem: 'The template must be a JSON object or array.' };
  }
  const rendered = renderBodyTemplate(template, payload);
  return rendered.ok
    ? { ok: true, body: JSON.stringify(rendered.value, null, 2) }
    : {
        ok: false,
        problem: `"${rendered.missingPath}" has no value: the execution would fail, nothing sent.`,
      };
}

const bodyTemplateRule: ValidatorFn = (group: AbstractControl): ValidationErrors | null => {
  const { bodyMode, bodyTemplate } = (group as FormGroup).getRawValue() as {
    bodyMode: BodyModeChoice;
    bodyTemplate: string;
  };
  return bodyMode === 'template' && parseBodyTemplate(bodyTemplate) === null
    ? { bodyTemplate: true }
    : null;
};

const signingRule: ValidatorFn = (group: AbstractControl): ValidationErrors | null => {
  const { isSigned, signingSecret, hasSigningSecret } = (group as FormGroup).getRawValue() as {
    isSigned: boolean;
    signingSecret: string;
    hasSigningSecret: boolean;
  };
  if (!isSigned) {
    return null;
  }
  if (signingSecret === '') {
    return hasSigningSecret ? null : { signingSecret: 'required' };
  }
  return /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(signingSecret)
    ? null
    : { signingSecret: 'malformed' };
};

function buildHttpGroup() {
  return new FormGroup(
    {
      url: new FormControl('', { nonNullable: true, validators: [Validators.required, httpUrl] }),
      method: new FormControl<HttpMethod>('POST', { nonNullable: true }),
      headers: new FormControl('', { nonNullable: true, validators: [stringRecordJson] }),
      /** What the API says is stored (names only); each kept, replaced or removed on save. */
      storedSecretHeaders: new FormArray<ReturnType<typeof buildStoredSecretHeader>>([]),
      newSecretHeaders: new FormArray<ReturnType<typeof buildNewSecretHeader>>([]),
      bodyMode: new FormControl<BodyModeChoice>('payload', { nonNullable: true }),
      /** The JSON template, as text, when bodyMode is "template". */
      bodyTemplate: new FormControl('', { nonNullable: true }),
      /** Header names copied from the delivery, one per line or comma-separated. */
      forwardHeaders: new FormControl('', { nonNullable: true, validators: [headerNameList] }),
      isSigned: new FormControl(false, { nonNullable: true }),
      /** Write-only: empty keeps the stored secret. */
      signingSecret: new FormControl('', { nonNullable: true }),
      hasSigningSecret: new FormControl(false, { nonNullable: true }),
      timeoutMs: optionalInt(100, 120_000),
    },
    { validators: [secretHeaderNamesRule, bodyTemplateRule, signingRule] },
  );
}

type HttpFormGroup = ReturnType<typeof buildHttpGroup>;

/** Adds an empty row for a new secret header. */
export function addSecretHeader(form: TriggerFormGroup): void {
  form.controls.http.controls.newSecretHeaders.push(buildNewSecretHeader());
}

/** Discards the new secret header row at `index`. */
export function discardSecretHeader(form: TriggerFormGroup, index: number): void {
  form.controls.http.controls.newSecretHeaders.removeAt(index);
}

/** Marks a stored secret header removed (its replacement dropped), or kept again. */
export function setSecretHeaderRemoved(
  form: TriggerFormGroup,
  index: number,
  isRemoved: boolean,
): void {
  const stored = form.controls.http.controls.storedSecretHeaders.at(index);
  stored.patchValue({ isRemoved, replacement: '' });
  stored.markAsDirty();
}

/** Empty, or a dead-letter glob the API accepts. */
const deadLetterGlob: ValidatorFn = (control) => {
  const value = String(control.value ?? '').trim();
  return value === '' || isValidDeadLetterGlob(value) ? null : { glob: true };
};

function optionalInt(min: number, max: number): FormControl<number | null> {
  return new FormControl<number | null>(null, [Validators.min(min), Validators.max(max)]);
}

/** A pair of fields that are both set (the control is on) or both empty (off). */
const bothOrNeither =
  (first: string, second: string): ValidatorFn =>
  (group: AbstractControl): ValidationErrors | null => {
    const isSet = (name: string) => group.get(name)?.value !== null;
    return isSet(first) === isSet(second) ? null : { bothOrNeither: true };
  };

/** Empty, or a slug-shaped watermark group. */
const optionalSlug: ValidatorFn = (control) => {
  const value = String(control.value ?? '').trim();
  return value === '' || SLUG_PATTERN.test(value) ? null : { slug: true };
};

const { rateLimit, maxConcurrency, circuitBreaker } = FLOW_CONTROL_LIMITS;

function buildFlowControlForm() {
  return new FormGroup({
    rateLimit: new FormGroup(
      {
        limit: optionalInt(rateLimit.limit.min, rateLimit.limit.max),
        periodMs: optionalInt(rateLimit.periodMs.min, rateLimit.periodMs.max),
      },
      { validators: bothOrNeither('limit', 'periodMs') },
    ),
    maxConcurrency: optionalInt(maxConcurrency.min, maxConcurrency.max),
    circuitBreaker: new FormGroup(
      {
        failureThreshold: optionalInt(
          circuitBreaker.failureThreshold.min,
          circuitBreaker.failureThreshold.max,
        ),
        cooldownMs: optionalInt(circuitBreaker.cooldownMs.min, circuitBreaker.cooldownMs.max),
      },
      { validators: bothOrNeither('failureThreshold', 'cooldownMs') },
    ),
    dailyWatermarkAction: new FormControl<WatermarkAction>('alert', { nonNullable: true }),
    watermarkGroup: new FormControl('', { nonNullable: true, validators: [optionalSlug] }),
  });
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
    actionType: new FormControl<ActionChoice>('http', { nonNullable: true }),
    http: buildHttpGroup(),
    whatsapp: buildWhatsappGroup(httpUrl),
    retryPolicy: new FormGroup({
      maxAttempts: optionalInt(1, 20),
      baseDelayMs: optionalInt(0, 86_400_000),
      maxDelayMs: optionalInt(0, 86_400_000),
      jitterMs: optionalInt(0, 3_600_000),
    }),
    /** One path per line; empty: the scheme's preset. */
    idempotencyKeyPaths: new FormControl('', { nonNullable: true }),
    dailyWatermark: new FormControl<number | null>(null, [Validators.min(1)]),
    verification: buildVerificationGroup(),
    /** One header per line; empty: the scheme's default. */
    idempotencyKeyHeaders: new FormControl('', { nonNullable: true }),
    /** SPEC §14: one row per route. */
    routes: buildRoutesArray(),
    /** A JSON query over { body, headers, query }; empty: every delivery is kept. */
    filter: new FormControl('', { nonNullable: true, validators: [deliveryFilterJson] }),
    /** Body paths removed before storage, one per line; empty: the scheme's default. */
    redactPaths: new FormControl('', { nonNullable: true }),
    onDeadLetter: new FormControl('', {
      nonNullable: true,
      validators: [deadLetterGlob],
    }),
    silenceAlertMinutes: optionalInt(1, 10080),
    /** null: the action type's default (hold for WhatsApp, retry for HTTP). */
    onUnknownOutcome: new FormControl<UnknownOutcomePolicy | null>(null),
    flowControl: buildFlowControlForm(),
    deliveryOrder: buildDeliveryOrderForm(),
    /** SPEC §15: a JSON array of rules; empty: the WhatsApp provider's defaults. */
    classificationRules: new FormControl('', {
      nonNullable: true,
      validators: [classificationRulesJson],
    }),
  });
}

export type TriggerFormGroup = ReturnType<typeof buildTriggerForm>;
export type TriggerFormValue = ReturnType<TriggerFormGroup['getRawValue']>;

/** An action type, or none: a pure router (SPEC §14), which only routes. */
export type ActionChoice = ActionType | 'none';

/** Enables the fields of the chosen action type and disables the others, so only they validate. */
export function applyActionType(form: TriggerFormGroup, type: ActionChoice): void {
  for (const [choice, group] of [
    ['http', form.controls.http],
    ['whatsapp', form.controls.whatsapp],
  ] as const) {
    if (choice === type) {
      group.enable({ emitEvent: false });
    } else {
      group.disable({ emitEvent: false });
    }
  }
  form.updateValueAndValidity();
}

/** Fills the form from a stored trigger; write-only fields stay empty and become optional. */
export function fillTriggerForm(form: TriggerFormGroup, trigger: Trigger): void {
  const action = trigger.action;
  setRoutes(form.controls.routes, trigger.routes);
  form.patchValue({
    name: trigger.name,
    slug: trigger.slug,
    enabled: trigger.enabled,
    actionType: action?.type ?? 'none',
    retryPolicy: trigger.retryPolicy,
    // The API answers effective lists; one equal to the scheme's preset shows as empty.
    idempotencyKeyPaths: unlessPreset(
      trigger.idempotencyKeyPaths,
      defaultIdempotencyKeyPaths(trigger.verification),
    ),
    dailyWatermark: trigger.dailyWatermark,
    verification: verificationFormValue(trigger.verification),
    idempotencyKeyHeaders: unlessPreset(
      trigger.idempotencyKeyHeaders,
      defaultIdempotencyKeyHeaders(trigger.verification),
      true,
    ),
    filter: formatFilter(trigger.filter),
    redactPaths: unlessPreset(trigger.redactPaths, defaultRedactPaths(trigger.verification)),
    onDeadLetter: trigger.onDeadLetter ?? '',
    silenceAlertMinutes: trigger.silenceAlertMinutes,
    // The API shows the effective value; the action type's default shows as "default".
    onUnknownOutcome:
      trigger.onUnknownOutcome === effectiveUnknownOutcome(action?.type ?? 'http', null)
        ? null
        : trigger.onUnknownOutcome,
    flowControl: {
      rateLimit: trigger.rateLimit ?? { limit: null, periodMs: null },
      maxConcurrency: trigger.maxConcurrency,
      circuitBreaker: trigger.circuitBreaker ?? { failureThreshold: null, cooldownMs: null },
      dailyWatermarkAction: trigger.dailyWatermarkAction,
      watermarkGroup: trigger.watermarkGroup ?? '',
    },
    deliveryOrder: deliveryOrderFormValue(trigger),
    classificationRules: formatClassificationRules(trigger),
  });
  // Values typed for secret headers are dropped: after a save only the stored names show.
  const { storedSecretHeaders, newSecretHeaders } = form.controls.http.controls;
  storedSecretHeaders.clear({ emitEvent: false });
  newSecretHeaders.clear({ emitEvent: false });
  if (action?.type === 'http') {
    for (const name of action.secretHeaderNames) {
      storedSecretHeaders.push(buildStoredSecretHeader(name), { emitEvent: false });
    }
    form.controls.http.patchValue({
      url: action.url,
      method: action.method,
      headers:
        action.headers && Object.keys(action.headers).length > 0
          ? JSON.stringify(action.headers, null, 2)
          : '',
      timeoutMs: action.timeoutMs,
      bodyMode: action.body === 'payload' || action.body === 'raw' ? action.body : 'template',
      bodyTemplate:
        action.body === 'payload' || action.body === 'raw'
          ? ''
          : JSON.stringify(action.body, null, 2),
      forwardHeaders: action.forwardHeaders.join('\n'),
      isSigned: action.signing !== null,
      signingSecret: '',
      hasSigningSecret: action.signing?.hasSecret ?? false,
    });
  } else if (action?.type === 'whatsapp') {
    form.controls.whatsapp.patchValue(whatsappFormValue(action));
  }
  // A stored API key is kept when the field stays empty.
  const apiKey = form.controls.whatsapp.controls.apiKey;
  apiKey.setValidators(
    action?.type === 'whatsapp' && action.hasApiKey ? [] : [Validators.required],
  );
  apiKey.updateValueAndValidity({ emitEvent: false });
  applyActionType(form, action?.type ?? 'none');
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
export function toTriggerBody(
  value: TriggerFormValue,
  mode: TriggerFormMode,
): CreateTriggerRequest {
  const body: CreateTriggerRequest = {
    name: value.name.trim(),
    slug: value.slug.trim(),
    enabled: value.enabled,
    action: toActionRequest(value, mode),
  };
  const routes = toRoutes(value.routes);
  if (routes.length > 0 || mode === 'edit') {
    body.routes = routes;
  }

  const retryPolicy = withoutNulls(value.retryPolicy) as Partial<RetryPolicy>;
  if (Object.keys(retryPolicy).length > 0 || mode === 'edit') {
    body.retryPolicy = retryPolicy;
  }

  if (value.dailyWatermark !== null || mode === 'edit') {
    body.dailyWatermark = value.dailyWatermark;
  }

  const verification = toVerificationRequest(value.verification);
  if (verification !== undefined) {
    body.verification = verification;
  }
  // Lists left empty, or equal to the scheme's preset, are sent as null: the preset follows
  // the scheme if it changes later.
  const preset = presetInput(value.verification);
  const lists = {
    idempotencyKeyPaths: ownList(value.idempotencyKeyPaths, defaultIdempotencyKeyPaths(preset)),
    idempotencyKeyHeaders: ownList(
      value.idempotencyKeyHeaders,
      defaultIdempotencyKeyHeaders(preset),
      true,
    ),
    redactPaths: ownList(value.redactPaths, defaultRedactPaths(preset)),
  };
  for (const [name, list] of Object.entries(lists) as [keyof typeof lists, string[] | null][]) {
    if (list !== null || mode === 'edit') {
      body[name] = list;
    }
  }

  const filter = parseFilter(value.filter);
  const filterValue = filter.isValid ? filter.filter : null;
  if (filterValue !== null || mode === 'edit') {
    body.filter = filterValue;
  }

  const onDeadLetter = value.onDeadLetter.trim();
  if (onDeadLetter !== '' || mode === 'edit') {
    body.onDeadLetter = onDeadLetter === '' ? null : onDeadLetter;
  }

  if (value.silenceAlertMinutes !== null || mode === 'edit') {
    body.silenceAlertMinutes = value.silenceAlertMinutes;
  }

  if (value.onUnknownOutcome !== null || mode === 'edit') {
    body.onUnknownOutcome = value.onUnknownOutcome;
  }

  const rules = parseClassificationRules(value.classificationRules);
  const ownRules = rules.isValid ? rules.rules : null;
  if (ownRules !== null || mode === 'edit') {
    body.classificationRules = ownRules;
  }
  return {
    ...body,
    ...toFlowControlBody(value.flowControl, mode),
    ...toDeliveryOrderBody(value.deliveryOrder, mode),
  };
}

/** The flow-control fields of the body: an empty control is off (null), left out on create. */
function toFlowControlBody(
  value: TriggerFormValue['flowControl'],
  mode: TriggerFormMode,
): Partial<CreateTriggerRequest> {
  const { limit, periodMs } = value.rateLimit;
  const { failureThreshold, cooldownMs } = value.circuitBreaker;
  const group = value.watermarkGroup.trim();
  const fields: Partial<CreateTriggerRequest> = {
    rateLimit: limit === null || periodMs === null ? null : { limit, periodMs },
    maxConcurrency: value.maxConcurrency,
    circuitBreaker:
      failureThreshold === null || cooldownMs === null ? null : { failureThreshold, cooldownMs },
    dailyWatermarkAction: value.dailyWatermarkAction,
    watermarkGroup: group === '' ? null : group,
  };
  if (mode === 'edit') {
    return fields;
  }
  // A new trigger's body leaves out what is off, and the default action (alert), as v1 did.
  const { dailyWatermarkAction, ...others } = withoutNulls(fields);
  return dailyWatermarkAction === 'hold' ? { ...others, dailyWatermarkAction } : others;
}

/** `2000 ms` as a person reads it: `2 s`, `30 s`, `5 min`, `1 h`, `1.5 s`. */
export function readableDuration(ms: number | null): string {
  if (ms === null) {
    return '';
  }
  const units: [number, string][] = [
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) {
      return `${Number((ms / size).toFixed(1))} ${unit}`;
    }
  }
  return `${ms} ms`;
}

/**
 * The retry schedule the form's policy gives, by the API's own rule; empty fields take the
 * stored trigger's values. Null while a field is empty on a new trigger (the server's
 * defaults are not known here) or out of range.
 */
export function formRetrySchedule(
  form: TriggerFormGroup,
  stored: Trigger | null,
): RetrySchedule | null {
  const { retryPolicy, http, whatsapp } = form.controls;
  const action = form.controls.actionType.value === 'http' ? http : whatsapp;
  if (retryPolicy.invalid || action.controls.timeoutMs.invalid) {
    return null;
  }
  const value = retryPolicy.getRawValue();
  const base = stored?.retryPolicy;
  const policy = {
    maxAttempts: value.maxAttempts ?? base?.maxAttempts,
    baseDelayMs: value.baseDelayMs ?? base?.baseDelayMs,
    maxDelayMs: value.maxDelayMs ?? base?.maxDelayMs,
    jitterMs: value.jitterMs ?? base?.jitterMs,
  };
  if (Object.values(policy).some((field) => field === undefined || field === null)) {
    return null;
  }
  const timeoutMs =
    action.controls.timeoutMs.value ?? stored?.action?.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
  return retrySchedule(policy as RetryPolicy, timeoutMs);
}

function toActionRequest(value: TriggerFormValue, mode: TriggerFormMode): ActionRequest | null {
  if (value.actionType === 'none') {
    return null;
  }
  if (value.actionType === 'http') {
    const http = value.http;
    const headers = http.headers.trim();
    const secretHeaders = toSecretHeadersRequest(http, mode);
    const forwardHeaders = parseNameList(http.forwardHeaders);
    return {
      type: 'http',
      url: http.url.trim(),
      method: http.method,
      ...(headers === '' ? {} : { headers: JSON.parse(headers) as Record<string, string> }),
      ...(secretHeaders === undefined ? {} : { secretHeaders }),
      // Left out, each takes its default (the action is replaced as a whole on edit too).
      ...(http.bodyMode === 'payload'
        ? {}
        : {
            body:
              http.bodyMode === 'template'
                ? (parseBodyTemplate(http.bodyTemplate) ?? 'payload')
                : http.bodyMode,
          }),
      ...(forwardHeaders.length === 0 ? {} : { forwardHeaders }),
      ...toSigningRequest(http),
      ...(http.timeoutMs === null ? {} : { timeoutMs: http.timeoutMs }),
    };
  }
  return toWhatsappActionRequest(value.whatsapp);
}

/** `signing` to send: a secret typed is sent, none keeps the stored one; off removes it. */
export function toSigningRequest(
  http: TriggerFormValue['http'],
): Pick<HttpActionRequest, 'signing'> {
  if (!http.isSigned) {
    // Left out, the stored signing is kept: only a stored one is switched off.
    return http.hasSigningSecret ? { signing: null } : {};
  }
  return {
    signing: {
      scheme: 'standard-webhooks',
      ...(http.signingSecret === '' ? {} : { secret: http.signingSecret }),
    },
  };
}

/**
 * The `secretHeaders` to send: the API makes the action's secret headers exactly these names.
 * A stored one is kept with `null` (its value never reaches the console) or replaced with a
 * string; a removed one is left out. A new trigger sends only the added ones, if any.
 */
export function toSecretHeadersRequest(
  http: TriggerFormValue['http'],
  mode: TriggerFormMode,
): HttpActionRequest['secretHeaders'] {
  const secretHeaders: Record<string, string | null> = {};
  if (mode === 'edit') {
    for (const { name, replacement, isRemoved } of http.storedSecretHeaders) {
      if (!isRemoved) {
        secretHeaders[name] = replacement === '' ? null : replacement;
      }
    }
  }
  for (const { name, value } of http.newSecretHeaders) {
    secretHeaders[name.trim()] = value;
  }
  return mode === 'create' && Object.keys(secretHeaders).length === 0 ? undefined : secretHeaders;
}

/** The list a textarea holds, or null when it is empty or the preset itself. */
function ownList(text: string, preset: string[], ignoreCase = false): string[] | null {
  const list = parseKeyPaths(text);
  const same = (a: string, b: string) =>
    ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b;
  const isPreset = list.length === preset.length && list.every((item, i) => same(item, preset[i]));
  return list.length === 0 || isPreset ? null : list;
}

/** A stored effective list as its textarea shows it: empty when it is the preset. */
function unlessPreset(list: string[], preset: string[], ignoreCase = false): string {
  return ownList(list.join('\n'), preset, ignoreCase) === null ? '' : list.join('\n');
}

/** `${origin}/hooks/<slug>`: where senders deliver webhooks for this trigger. */
export function webhookUrl(origin: string, slug: string): string {
  return `${origin}/hooks/${slug}`;
}

/** A copyable delivery example, signed when the trigger uses the hmac-sha256 scheme. */
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
