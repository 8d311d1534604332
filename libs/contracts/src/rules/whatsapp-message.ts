import { readPath, renderTemplate } from './payload-path';

export type WhatsappMessageResult =
  { ok: true; number: string; text: string } | { ok: false; error: string };

/** The recipient and text a `whatsapp` action sends for a payload, or why it cannot. */
export function composeWhatsappMessage(
  action: { toPath: string; textTemplate: string },
  payload: unknown,
): WhatsappMessageResult {
  const number = readPath(payload, action.toPath);
  if (typeof number !== 'string' && typeof number !== 'number') {
    return { ok: false, error: `No recipient at "${action.toPath}" in the payload` };
  }
  const text = renderTemplate(action.textTemplate, payload);
  if (!text.ok) {
    return { ok: false, error: `No value at "${text.missingPath}" for the message template` };
  }
  return { ok: true, number: String(number), text: text.text };
}
