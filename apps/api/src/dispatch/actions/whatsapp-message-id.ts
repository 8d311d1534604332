import { createHash } from 'node:crypto';

/**
 * The client message id sent to providers that accept one (Evolution Go's `id`): the same for
 * every attempt and replay of an event, so a gateway that deduplicates by id sends it once.
 * The shape of the ids WhatsApp Web clients make (whatsmeow: "3EB0" and 18 upper-case hex
 * digits), derived from the trigger and the event's identity (its idempotency key, else the
 * id of the execution that first received it).
 */
export function whatsappMessageId(input: { triggerId: string; eventId: string }): string {
  const digest = createHash('sha256')
    .update(`triggerline:${input.triggerId}:${input.eventId}`)
    .digest('hex');
  return `3EB0${digest.slice(0, 18).toUpperCase()}`;
}
