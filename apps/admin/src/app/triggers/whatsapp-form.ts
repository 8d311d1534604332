import {
  type AbstractControl,
  FormControl,
  FormGroup,
  type ValidatorFn,
  Validators,
} from '@angular/forms';
import {
  buildWhatsappSend,
  type ClassificationRule,
  classificationRulesProblem,
  DEFAULT_RECONCILE_AFTER_MS,
  isReconcilable,
  MAX_RECONCILE_AFTER_MS,
  META_CLOUD_BASE_URL,
  MIN_RECONCILE_AFTER_MS,
  requiredProviderField,
  type WhatsappAction,
  type WhatsappActionRequest,
  type WhatsappMediaType,
  type WhatsappMessage,
  type WhatsappProvider,
  type WhatsappSendResult,
} from '@triggerline/contracts';

/** Stands for the values the preview cannot know: the key, and the id derived from the event. */
export const PREVIEW_MASK = '***';
export const PREVIEW_MESSAGE_ID = '(derived from the event)';

const optionalText = () => new FormControl('', { nonNullable: true });

/**
 * The WhatsApp action's fields (SPEC §15). What each provider requires is checked by the
 * group's validator, so that switching provider or message kind needs no re-wiring.
 */
export function buildWhatsappGroup(httpUrl: ValidatorFn) {
  return new FormGroup(
    {
      provider: new FormControl<WhatsappProvider>('evolution-go', { nonNullable: true }),
      baseUrl: new FormControl('', { nonNullable: true, validators: [httpUrl] }),
      apiKey: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
      instance: optionalText(),
      phoneNumberId: optionalText(),
      toPath: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
      messageKind: new FormControl<'text' | 'media'>('text', { nonNullable: true }),
      textTemplate: new FormControl('', {
        nonNullable: true,
        validators: [Validators.maxLength(4096)],
      }),
      mediaType: new FormControl<WhatsappMediaType>('image', { nonNullable: true }),
      urlTemplate: new FormControl('', {
        nonNullable: true,
        validators: [Validators.maxLength(4096)],
      }),
      captionTemplate: optionalText(),
      fileNameTemplate: optionalText(),
      typingDelayMs: new FormControl<number | null>(null, [
        Validators.min(0),
        Validators.max(60000),
      ]),
      timeoutMs: new FormControl<number | null>(null, [
        Validators.min(100),
        Validators.max(120000),
      ]),
      /** Evolution Go only: empty, the default. */
      reconcileAfterMs: new FormControl<number | null>(null, [
        Validators.min(MIN_RECONCILE_AFTER_MS),
        Validators.max(MAX_RECONCILE_AFTER_MS),
      ]),
      /** Never sent: the payload the live preview fills the templates from. */
      samplePayload: new FormControl('', { nonNullable: true }),
    },
    { validators: [whatsappProviderFields] },
  );
}

export type WhatsappGroup = ReturnType<typeof buildWhatsappGroup>;
export type WhatsappFormValue = ReturnType<WhatsappGroup['getRawValue']>;

// The fields the chosen provider and message kind need, as errors on the group.
const whatsappProviderFields: ValidatorFn = (group: AbstractControl) => {
  const value = (group as WhatsappGroup).getRawValue();
  const errors: Record<string, true> = {};
  if (value.provider !== 'meta-cloud' && value.baseUrl.trim() === '') {
    errors['baseUrlRequired'] = true;
  }
  const field = requiredProviderField(value.provider);
  if (field !== null && value[field].trim() === '') {
    errors[`${field}Required`] = true;
  }
  if (value.messageKind === 'text' && value.textTemplate === '') {
    errors['textTemplateRequired'] = true;
  }
  if (value.messageKind === 'media' && value.urlTemplate.trim() === '') {
    errors['urlTemplateRequired'] = true;
  }
  return Object.keys(errors).length === 0 ? null : errors;
};

/** The form's value for a stored action. */
export function whatsappFormValue(action: WhatsappAction): Partial<WhatsappFormValue> {
  const message = action.message;
  return {
    provider: action.provider,
    baseUrl:
      action.provider === 'meta-cloud' && action.baseUrl === META_CLOUD_BASE_URL
        ? ''
        : action.baseUrl,
    apiKey: '',
    instance: action.instance ?? '',
    phoneNumberId: action.phoneNumberId ?? '',
    toPath: action.toPath,
    messageKind: message.kind,
    textTemplate: message.kind === 'text' ? message.textTemplate : '',
    mediaType: message.kind === 'media' ? message.mediaType : 'image',
    urlTemplate: message.kind === 'media' ? message.urlTemplate : '',
    captionTemplate: message.kind === 'media' ? (message.captionTemplate ?? '') : '',
    fileNameTemplate: message.kind === 'media' ? (message.fileNameTemplate ?? '') : '',
    typingDelayMs: action.typingDelayMs,
    timeoutMs: action.timeoutMs,
    // The default shows as empty, so that the field keeps following it.
    reconcileAfterMs:
      action.reconcileAfterMs === DEFAULT_RECONCILE_AFTER_MS ? null : action.reconcileAfterMs,
  };
}

function toMessage(value: WhatsappFormValue): WhatsappMessage {
  if (value.messageKind === 'text') {
    return { kind: 'text', textTemplate: value.textTemplate };
  }
  const optional = (name: 'captionTemplate' | 'fileNameTemplate') =>
    value[name] === '' ? {} : { [name]: value[name] };
  return {
    kind: 'media',
    mediaType: value.mediaType,
    urlTemplate: value.urlTemplate.trim(),
    ...optional('captionTemplate'),
    ...optional('fileNameTemplate'),
  };
}

/**
 * The action to send. An Evolution Go text message keeps v1's shape (no provider, a top-level
 * textTemplate), so a v1 trigger saved unchanged stays as it was.
 */
export function toWhatsappActionRequest(value: WhatsappFormValue): WhatsappActionRequest {
  const message = toMessage(value);
  const field = requiredProviderField(value.provider);
  const baseUrl = value.baseUrl.trim();
  return {
    type: 'whatsapp',
    ...(value.provider === 'evolution-go' ? {} : { provider: value.provider }),
    ...(baseUrl === '' ? {} : { baseUrl }),
    ...(value.apiKey === '' ? {} : { apiKey: value.apiKey }),
    ...(field === null ? {} : { [field]: value[field].trim() }),
    toPath: value.toPath.trim(),
    ...(message.kind === 'text' ? { textTemplate: message.textTemplate } : { message }),
    ...(value.typingDelayMs === null ? {} : { typingDelayMs: value.typingDelayMs }),
    ...(value.timeoutMs === null ? {} : { timeoutMs: value.timeoutMs }),
    ...(value.reconcileAfterMs === null || !isReconcilable(value.provider)
      ? {}
      : { reconcileAfterMs: value.reconcileAfterMs }),
  };
}

export type WhatsappPreview =
  | { state: 'empty' }
  | { state: 'invalid-payload' }
  | { state: 'built'; result: WhatsappSendResult };

/**
 * What the action would send for the sample payload, by the API's own builder: the key masked,
 * the message id a placeholder (the API derives it from the event).
 */
export function whatsappPreview(value: WhatsappFormValue): WhatsappPreview {
  if (value.samplePayload.trim() === '') {
    return { state: 'empty' };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(value.samplePayload);
  } catch {
    return { state: 'invalid-payload' };
  }
  const request = toWhatsappActionRequest(value);
  return {
    state: 'built',
    result: buildWhatsappSend({
      settings: { ...request, baseUrl: request.baseUrl ?? META_CLOUD_BASE_URL },
      apiKey: PREVIEW_MASK,
      payload,
      messageId: PREVIEW_MESSAGE_ID,
    }),
  };
}

/** The rules a textarea holds: null when empty (the provider's defaults apply). */
export function parseClassificationRules(
  text: string,
): { isValid: true; rules: ClassificationRule[] | null } | { isValid: false; problem: string } {
  if (text.trim() === '') {
    return { isValid: true, rules: null };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { isValid: false, problem: 'Enter a JSON array of rules.' };
  }
  const problem = classificationRulesProblem(value);
  return problem === null
    ? { isValid: true, rules: value as ClassificationRule[] }
    : { isValid: false, problem };
}

export const classificationRulesJson: ValidatorFn = (control) => {
  const parsed = parseClassificationRules(String(control.value ?? ''));
  return parsed.isValid ? null : { classificationRules: parsed.problem };
};

/** The textarea's text for a stored trigger: empty while it uses its provider's defaults. */
export function formatClassificationRules(trigger: {
  classificationRules: ClassificationRule[];
  hasOwnClassificationRules: boolean;
}): string {
  return trigger.hasOwnClassificationRules
    ? JSON.stringify(trigger.classificationRules, null, 2)
    : '';
}
