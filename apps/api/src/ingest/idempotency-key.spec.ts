import {
  DEFAULT_IDEMPOTENCY_KEY_PATHS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  extractIdempotencyKey,
} from './idempotency-key';

const paths = DEFAULT_IDEMPOTENCY_KEY_PATHS;

describe(extractIdempotencyKey.name, () => {
  it('prefers the header over the payload', () => {
    const payload = { idempotency_key: 'from-body' };
    expect(extractIdempotencyKey({ header: 'from-header', payload, paths })).toBe('from-header');
  });

  it('takes the first element of a repeated header', () => {
    expect(extractIdempotencyKey({ header: ['first', 'second'], payload: {}, paths })).toBe(
      'first',
    );
  });

  it('falls back to the payload for an empty header array', () => {
    expect(extractIdempotencyKey({ header: [], payload: { messageId: 'm' }, paths })).toBe('m');
  });

  it.each([
    [{ idempotency_key: 'a', messageId: 'b', data: { messageId: 'c', idempotency_key: 'd' } }, 'a'],
    [{ messageId: 'b', data: { messageId: 'c', idempotency_key: 'd' } }, 'b'],
    [{ data: { messageId: 'c', idempotency_key: 'd' } }, 'c'],
    [{ data: { idempotency_key: 'd' } }, 'd'],
  ])('follows the default path order in %j', (payload, expected) => {
    expect(extractIdempotencyKey({ header: undefined, payload, paths })).toBe(expected);
  });

  it('uses the paths it is given, in their order', () => {
    const payload = { messageId: 'default', event: { id: 'evt_1' } };
    expect(extractIdempotencyKey({ header: undefined, payload, paths: ['event.id'] })).toBe(
      'evt_1',
    );
    expect(extractIdempotencyKey({ header: undefined, payload, paths: [] })).toBeNull();
  });

  it('reads array indices in paths', () => {
    const payload = { entry: [{ id: 'e1' }] };
    expect(extractIdempotencyKey({ header: undefined, payload, paths: ['entry.0.id'] })).toBe('e1');
  });

  it('trims strings', () => {
    expect(extractIdempotencyKey({ header: '  k1 \t', payload: {}, paths })).toBe('k1');
    expect(extractIdempotencyKey({ header: undefined, payload: { messageId: ' m ' }, paths })).toBe(
      'm',
    );
  });

  it('skips empty and blank values', () => {
    const payload = { idempotency_key: '', messageId: '   ', data: { messageId: 'c' } };
    expect(extractIdempotencyKey({ header: ' ', payload, paths })).toBe('c');
    expect(extractIdempotencyKey({ header: [''], payload, paths })).toBe('c');
  });

  it('writes finite numbers as strings', () => {
    expect(extractIdempotencyKey({ header: undefined, payload: { messageId: 42 }, paths })).toBe(
      '42',
    );
    expect(extractIdempotencyKey({ header: undefined, payload: { messageId: 0 }, paths })).toBe(
      '0',
    );
    expect(extractIdempotencyKey({ header: undefined, payload: { messageId: 1.5 }, paths })).toBe(
      '1.5',
    );
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
    expect(extractIdempotencyKey({ header: undefined, payload, paths })).toBe('next');
  });

  it('returns an over-long key unchanged, for ingestion to refuse', () => {
    const long = 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1);
    expect(extractIdempotencyKey({ header: long, payload: { messageId: 'm' }, paths })).toBe(long);
  });

  it.each([undefined, null, 'text', 42, [], {}])(
    'answers null when nothing yields a key in %p',
    (payload) => {
      expect(extractIdempotencyKey({ header: undefined, payload, paths })).toBeNull();
    },
  );

  it('ignores inherited properties', () => {
    expect(
      extractIdempotencyKey({ header: undefined, payload: {}, paths: ['constructor.name'] }),
    ).toBeNull();
  });
});
