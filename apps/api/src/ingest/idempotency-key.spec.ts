import { DEFAULT_IDEMPOTENCY_KEY_PATHS, defaultIdempotencyKeyPaths } from '@triggerline/contracts';
import { MAX_IDEMPOTENCY_KEY_LENGTH, extractIdempotencyKey } from './idempotency-key';

const paths = DEFAULT_IDEMPOTENCY_KEY_PATHS;

describe(extractIdempotencyKey.name, () => {
  it('prefers the header over the payload', () => {
    const payload = { idempotency_key: 'from-body' };
    expect(extractIdempotencyKey({ headers: ['from-header'], payload, paths })).toBe('from-header');
  });

  it('takes the first element of a repeated header', () => {
    expect(extractIdempotencyKey({ headers: [['first', 'second']], payload: {}, paths })).toBe(
      'first',
    );
  });

  it('reads the headers in their order, then the payload', () => {
    const payload = { messageId: 'm' };
    expect(extractIdempotencyKey({ headers: [undefined, 'gh-1'], payload, paths })).toBe('gh-1');
    expect(extractIdempotencyKey({ headers: ['k', 'gh-1'], payload, paths })).toBe('k');
    expect(extractIdempotencyKey({ headers: [undefined, ' '], payload, paths })).toBe('m');
  });

  it('falls back to the payload for an empty header array', () => {
    expect(extractIdempotencyKey({ headers: [[]], payload: { messageId: 'm' }, paths })).toBe('m');
  });

  it.each([
    [{ idempotency_key: 'a', messageId: 'b', data: { messageId: 'c', idempotency_key: 'd' } }, 'a'],
    [{ messageId: 'b', data: { messageId: 'c', idempotency_key: 'd' } }, 'b'],
    [{ data: { messageId: 'c', idempotency_key: 'd' } }, 'c'],
    [{ data: { idempotency_key: 'd' } }, 'd'],
  ])('follows the default path order in %j', (payload, expected) => {
    expect(extractIdempotencyKey({ headers: [], payload, paths })).toBe(expected);
  });

  it('uses the paths it is given, in their order', () => {
    const payload = { messageId: 'default', event: { id: 'evt_1' } };
    expect(extractIdempotencyKey({ headers: [], payload, paths: ['event.id'] })).toBe('evt_1');
    expect(extractIdempotencyKey({ headers: [], payload, paths: [] })).toBeNull();
  });

  it('reads array indices in paths', () => {
    const payload = { entry: [{ id: 'e1' }] };
    expect(extractIdempotencyKey({ headers: [], payload, paths: ['entry.0.id'] })).toBe('e1');
  });

  it('trims strings', () => {
    expect(extractIdempotencyKey({ headers: ['  k1 \t'], payload: {}, paths })).toBe('k1');
    expect(extractIdempotencyKey({ headers: [], payload: { messageId: ' m ' }, paths })).toBe('m');
  });

  it('skips empty and blank values', () => {
    const payload = { idempotency_key: '', messageId: '   ', data: { messageId: 'c' } };
    expect(extractIdempotencyKey({ headers: [' '], payload, paths })).toBe('c');
    expect(extractIdempotencyKey({ headers: [['']], payload, paths })).toBe('c');
  });

  it('writes finite numbers as strings', () => {
    expect(extractIdempotencyKey({ headers: [], payload: { messageId: 42 }, paths })).toBe('42');
    expect(extractIdempotencyKey({ headers: [], payload: { messageId: 0 }, paths })).toBe('0');
    expect(extractIdempotencyKey({ headers: [], payload: { messageId: 1.5 }, paths })).toBe('1.5');
  });

  it.each([
    ['a boolean', true],
    ['false', false],
    ['null', null],
    ['an object', { id: 'x' }],
    ['an array', ['x']],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('skips %s', (_, value) => {
    const payload = { idempotency_key: value, data: { messageId: 'next' } };
    expect(extractIdempotencyKey({ headers: [], payload, paths })).toBe('next');
  });

  it('returns an over-long key unchanged, for ingestion to refuse', () => {
    const long = 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1);
    expect(extractIdempotencyKey({ headers: [long], payload: { messageId: 'm' }, paths })).toBe(
      long,
    );
  });

  it.each([undefined, null, 'text', 42, [], {}])(
    'answers null when nothing yields a key in %p',
    (payload) => {
      expect(extractIdempotencyKey({ headers: [], payload, paths })).toBeNull();
    },
  );

  it('ignores inherited properties', () => {
    expect(
      extractIdempotencyKey({ headers: [], payload: {}, paths: ['constructor.name'] }),
    ).toBeNull();
  });
});

describe('idempotency key presets (SPEC §13)', () => {
  const keyOf = (scheme: Parameters<typeof defaultIdempotencyKeyPaths>[0], payload: unknown) =>
    extractIdempotencyKey({ headers: [], payload, paths: defaultIdempotencyKeyPaths(scheme) });
  const meta = (value: object) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value }] }],
  });

  it('reads the WhatsApp message id of a raw Evolution webhook (v2 and Go)', () => {
    const evolution = { event: 'messages.upsert', data: { key: { id: '3EB0C767D2' } } };
    expect(keyOf({ scheme: 'evolution' }, evolution)).toBe('3EB0C767D2');
  });

  it('keeps a Meta message, and each status about it, apart', () => {
    const wamid = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=';
    const message = meta({ messages: [{ id: wamid, from: '16505551234', type: 'text' }] });
    const sent = meta({ statuses: [{ id: wamid, status: 'sent' }] });
    const read = meta({ statuses: [{ id: wamid, status: 'read' }] });

    const keys = [message, sent, read].map((payload) => keyOf({ scheme: 'meta' }, payload));

    expect(keys).toEqual([wamid, `${wamid}:sent`, `${wamid}:read`]);
  });

  it('reads Stripe, Slack and Twilio ids', () => {
    expect(keyOf({ scheme: 'stripe' }, { id: 'evt_1', type: 'charge.succeeded' })).toBe('evt_1');
    expect(keyOf({ scheme: 'slack' }, { event_id: 'Ev08', type: 'event_callback' })).toBe('Ev08');
    expect(keyOf({ scheme: 'twilio' }, { MessageSid: 'SM1', Body: 'hi' })).toBe('SM1');
  });
});
