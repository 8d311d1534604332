import { MAX_ORDERING_KEY_LENGTH, orderingKeyOf } from './ordering-key';

describe(orderingKeyOf.name, () => {
  it('reads the value at a dot path', () => {
    const body = { data: { key: { remoteJid: '5511999990000@s.whatsapp.net' } } };
    expect(orderingKeyOf(body, 'data.key.remoteJid')).toBe('5511999990000@s.whatsapp.net');
  });

  it('writes numbers and objects as JSON text', () => {
    expect(orderingKeyOf({ to: 5511999990000 }, 'to')).toBe('5511999990000');
    expect(orderingKeyOf({ to: { id: 1 } }, 'to')).toBe('{"id":1}');
  });

  it('answers null without a path, for an absent, null or empty value', () => {
    expect(orderingKeyOf({ to: 'a' }, null)).toBeNull();
    expect(orderingKeyOf({}, 'to')).toBeNull();
    expect(orderingKeyOf({ to: null }, 'to')).toBeNull();
    expect(orderingKeyOf({ to: '' }, 'to')).toBeNull();
    expect(orderingKeyOf('text body', 'to')).toBeNull();
  });

  it('keeps the first characters of a long value', () => {
    const sut = orderingKeyOf({ to: 'x'.repeat(1000) }, 'to');
    expect(sut).toHaveLength(MAX_ORDERING_KEY_LENGTH);
  });
});
