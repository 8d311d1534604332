import { renderBodyTemplate } from './body-template';

describe(renderBodyTemplate.name, () => {
  const payload = {
    order: { id: 42, paid: true, lines: [{ sku: 'a' }], note: null },
    customer: { name: 'Ada' },
  };

  it('keeps the JSON type of whole-value placeholders: numbers, booleans, objects, null', () => {
    const sut = renderBodyTemplate(
      {
        id: '{{order.id}}',
        paid: '{{ order.paid }}',
        lines: '{{order.lines}}',
        note: '{{order.note}}',
        nested: { who: '{{customer}}', constant: 7, list: ['{{order.id}}', false] },
      },
      payload,
    );
    expect(sut).toEqual({
      ok: true,
      value: {
        id: 42,
        paid: true,
        lines: [{ sku: 'a' }],
        note: null,
        nested: { who: { name: 'Ada' }, constant: 7, list: [42, false] },
      },
    });
  });

  it('interpolates placeholders inside longer strings', () => {
    const sut = renderBodyTemplate({ text: 'Order {{order.id}} for {{customer.name}}' }, payload);
    expect(sut).toEqual({ ok: true, value: { text: 'Order 42 for Ada' } });
  });

  it.each([
    [{ id: '{{order.missing}}' }, 'order.missing'],
    [{ deep: { list: ['x', 'Hi {{customer.age}}'] } }, 'customer.age'],
  ])('names the first missing path of %j', (template, missingPath) => {
    const sut = renderBodyTemplate(template, payload);
    expect(sut).toEqual({ ok: false, missingPath });
  });

  it('answers a template without placeholders as it is', () => {
    const sut = renderBodyTemplate({ fixed: [1, 'two', { three: true }] }, payload);
    expect(sut).toEqual({ ok: true, value: { fixed: [1, 'two', { three: true }] } });
  });
});
