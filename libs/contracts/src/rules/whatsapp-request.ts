import { readPath, renderTemplate } from './payload-path';

/** SPEC §15: the gateways a `whatsapp` action can speak to. */
export const WHATSAPP_PROVIDERS = ['evolution-go', 'evolution-v2', 'meta-cloud'] as const;
export type WhatsappProvider = (typeof WHATSAPP_PROVIDERS)[number];

export const WHATSAPP_MEDIA_TYPES = ['image', 'video', 'audio', 'document'] as const;
export type WhatsappMediaType = (typeof WHATSAPP_MEDIA_TYPES)[number];

export const META_CLOUD_BASE_URL = 'https://graph.facebook.com/v21.0';

export type WhatsappMessage =
  | { kind: 'text'; textTemplate: string }
  | {
      kind: 'media';
      mediaType: WhatsappMediaType;
      urlTemplate: string;
      captionTemplate?: string;
      fileNameTemplate?: string;
    };

/** What decides the request, secrets aside: the stored action and the API's answer share it. */
export interface WhatsappSendSettings {
  /** Absent on v1 rows: `evolution-go`. */
  provider?: WhatsappProvider;
  baseUrl: string;
  /** Evolution API v2's instance name (a path segment). */
  instance?: string | null;
  /** Meta Cloud API's sending phone number id (a path segment). */
  phoneNumberId?: string | null;
  toPath: string;
  /** v1's shorthand for `message: { kind: 'text', textTemplate }`. */
  textTemplate?: string | null;
  message?: WhatsappMessage | null;
  /** Sent as the provider's `delay` (typing presence) where it has one. */
  typingDelayMs?: number | null;
  /** SPEC §15: absent: the provider's default (see whatsapp-reconciliation.ts). */
  reconcileAfterMs?: number | null;
}

/** The provider-specific part of a request; the worker adds delivery headers and the timeout. */
export interface WhatsappSend {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export type WhatsappSendResult = { ok: true; send: WhatsappSend } | { ok: false; error: string };

export function effectiveProvider(settings: { provider?: WhatsappProvider }): WhatsappProvider {
  return settings.provider ?? 'evolution-go';
}

/** The message a `whatsapp` action sends: `message`, else v1's top-level `textTemplate`. */
export function effectiveMessage(settings: WhatsappSendSettings): WhatsappMessage | null {
  if (settings.message !== undefined && settings.message !== null) {
    return settings.message;
  }
  return typeof settings.textTemplate === 'string'
    ? { kind: 'text', textTemplate: settings.textTemplate }
    : null;
}

/** The path segment a provider needs besides baseUrl, by field name; null when none. */
export function requiredProviderField(
  provider: WhatsappProvider,
): 'instance' | 'phoneNumberId' | null {
  switch (provider) {
    case 'evolution-go':
      return null;
    case 'evolution-v2':
      return 'instance';
    case 'meta-cloud':
      return 'phoneNumberId';
  }
}

type Rendered =
  | { kind: 'text'; text: string }
  | {
      kind: 'media';
      mediaType: WhatsappMediaType;
      url: string;
      caption: string | null;
      fileName: string | null;
    };

/**
 * The request a `whatsapp` action sends for a payload, as each provider documents it
 * (docs/whatsapp.md cites the pages), or why it cannot be sent. `apiKey` is the key in clear
 * (or a mask, for a preview); `messageId` is the client message id for providers that take
 * one, derived from the event by the caller.
 */
export function buildWhatsappSend(input: {
  settings: WhatsappSendSettings;
  apiKey: string;
  payload: unknown;
  messageId: string;
}): WhatsappSendResult {
  const { settings, payload } = input;
  const provider = effectiveProvider(settings);
  const number = readPath(payload, settings.toPath);
  if (typeof number !== 'string' && typeof number !== 'number') {
    return { ok: false, error: `No recipient at "${settings.toPath}" in the payload` };
  }
  const message = effectiveMessage(settings);
  if (message === null) {
    return { ok: false, error: 'The WhatsApp action has no message' };
  }
  const rendered = renderMessage(message, payload);
  if (!rendered.ok) {
    return rendered;
  }
  const field = requiredProviderField(provider);
  const segment = field === null ? null : settings[field];
  if (field !== null && (segment === undefined || segment === null || segment === '')) {
    return { ok: false, error: `The ${provider} provider needs action.${field}` };
  }
  const base = settings.baseUrl.replace(/\/+$/, '');
  const to = String(number);
  const delay = settings.typingDelayMs ?? null;
  switch (provider) {
    case 'evolution-go':
      return {
        ok: true,
        send: {
          url: `${base}/send/${rendered.message.kind}`,
          headers: { apikey: input.apiKey },
          body: {
            number: to,
            ...evolutionGoBody(rendered.message),
            id: input.messageId,
            ...(delay === null ? {} : { delay }),
          },
        },
      };
    case 'evolution-v2':
      return {
        ok: true,
        send: {
          url:
            `${base}/message/${rendered.message.kind === 'text' ? 'sendText' : 'sendMedia'}/` +
            encodeURIComponent(segment!),
          headers: { apikey: input.apiKey },
          body: {
            number: to,
            ...evolutionV2Body(rendered.message),
            ...(delay === null ? {} : { delay }),
          },
        },
      };
    case 'meta-cloud':
      return {
        ok: true,
        send: {
          url: `${base}/${encodeURIComponent(segment!)}/messages`,
          headers: { authorization: `Bearer ${input.apiKey}` },
          body: { messaging_product: 'whatsapp', to, ...metaCloudBody(rendered.message) },
        },
      };
  }
}

function renderMessage(
  message: WhatsappMessage,
  payload: unknown,
): { ok: true; message: Rendered } | { ok: false; error: string } {
  const render = (template: string) => {
    const result = renderTemplate(template, payload);
    return result.ok ? result.text : new MissingValue(result.missingPath);
  };
  if (message.kind === 'text') {
    const text = render(message.textTemplate);
    return text instanceof MissingValue
      ? text.result()
      : { ok: true, message: { kind: 'text', text } };
  }
  const url = render(message.urlTemplate);
  const caption = message.captionTemplate === undefined ? null : render(message.captionTemplate);
  const fileName = message.fileNameTemplate === undefined ? null : render(message.fileNameTemplate);
  for (const value of [url, caption, fileName]) {
    if (value instanceof MissingValue) {
      return value.result();
    }
  }
  return {
    ok: true,
    message: {
      kind: 'media',
      mediaType: message.mediaType,
      url: url as string,
      caption: caption as string | null,
      fileName: fileName as string | null,
    },
  };
}

class MissingValue {
  constructor(private readonly path: string) {}

  result(): { ok: false; error: string } {
    return { ok: false, error: `No value at "${this.path}" for the message template` };
  }
}

// Evolution Go: POST /send/text { number, text, id?, delay? } and POST /send/media
// { number, type, url, caption?, filename?, id?, delay? }.
function evolutionGoBody(message: Rendered): Record<string, unknown> {
  if (message.kind === 'text') {
    return { text: message.text };
  }
  return {
    type: message.mediaType,
    url: message.url,
    ...(message.caption === null ? {} : { caption: message.caption }),
    ...(message.fileName === null ? {} : { filename: message.fileName }),
  };
}

// Evolution API v2: POST /message/sendText/{instance} { number, text, delay? } and
// POST /message/sendMedia/{instance} { number, mediatype, media, caption?, fileName?, delay? }.
function evolutionV2Body(message: Rendered): Record<string, unknown> {
  if (message.kind === 'text') {
    return { text: message.text };
  }
  return {
    mediatype: message.mediaType,
    media: message.url,
    ...(message.caption === null ? {} : { caption: message.caption }),
    ...(message.fileName === null ? {} : { fileName: message.fileName }),
  };
}

// Meta Cloud API: { type: "text", text: { body } } or { type: <media>, <media>: { link,
// caption?, filename? } }; Meta takes a caption on image, video and document, a filename on
// document only, and neither on audio.
function metaCloudBody(message: Rendered): Record<string, unknown> {
  if (message.kind === 'text') {
    return { type: 'text', text: { body: message.text } };
  }
  const hasCaption = message.mediaType !== 'audio' && message.caption !== null;
  const hasFileName = message.mediaType === 'document' && message.fileName !== null;
  return {
    type: message.mediaType,
    [message.mediaType]: {
      link: message.url,
      ...(hasCaption ? { caption: message.caption } : {}),
      ...(hasFileName ? { filename: message.fileName } : {}),
    },
  };
}

const MAX_TEMPLATE = 4096;

/** Why `value` is not a valid `message`; null when it is. */
export function whatsappMessageProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'message must be an object';
  }
  const message = value as Record<string, unknown>;
  const isTemplate = (text: unknown) =>
    typeof text === 'string' && text.length >= 1 && text.length <= MAX_TEMPLATE;
  const allowed =
    message['kind'] === 'text'
      ? ['kind', 'textTemplate']
      : ['kind', 'mediaType', 'urlTemplate', 'captionTemplate', 'fileNameTemplate'];
  const unknown = Object.keys(message).filter((key) => !allowed.includes(key));
  if (message['kind'] !== 'text' && message['kind'] !== 'media') {
    return 'message.kind must be "text" or "media"';
  }
  if (unknown.length > 0) {
    return `message has an unknown field "${unknown[0]}" (${allowed.join(', ')})`;
  }
  if (message['kind'] === 'text') {
    return isTemplate(message['textTemplate'])
      ? null
      : `message.textTemplate must be a string of 1 to ${MAX_TEMPLATE} characters`;
  }
  if (!WHATSAPP_MEDIA_TYPES.includes(message['mediaType'] as WhatsappMediaType)) {
    return `message.mediaType must be one of ${WHATSAPP_MEDIA_TYPES.join(', ')}`;
  }
  for (const field of ['urlTemplate', 'captionTemplate', 'fileNameTemplate']) {
    const isOptional = field !== 'urlTemplate';
    if (!(isOptional && message[field] === undefined) && !isTemplate(message[field])) {
      return `message.${field} must be a string of 1 to ${MAX_TEMPLATE} characters`;
    }
  }
  return null;
}
