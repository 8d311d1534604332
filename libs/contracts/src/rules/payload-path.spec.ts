import fc from 'fast-check';
import { readPath, renderTemplate } from './payload-path';

const payload = {
  data: { messageId: 'wamid.1', count: 3, ok: false, empty: '', nothing: null },
  items: [{ id: 'a' }, { id: 'b' }],
  contact: { name: 'Ana', tags: ['vip', 'new'] },
};

describe(readPath.name, () => {
  it.each([
    ['data.messageId', 'wamid.1'],
    ['data.count', 3],
    ['data.ok', false],
    ['data.empty', ''],
    ['data.nothing', null],
    ['items.0.id', 'a'],
    ['items.1.id', 'b'],
    ['contact.tags.1', 'new'],
  ])('reads %p', (path, expected) => {
    expect(readPath(payload, path)).toBe(expected);
  });

  it('returns the object found at a partial path', () => {
    expect(readPath(payload, 'data')).toBe(payload.data);
  });

  it.each([
    'missing',
    'data.missing',
    'data.messageId.length',
    'data.count.toFixed',
    'data.nothing.id',
    'items.2.id',
    'items.-1',
    'data.',
    '',
  ])('returns undefined for the missing path %p', (path) => {
    expect(readPath(payload, path)).toBeUndefined();
  });

  it.each(['toString', 'constructor', '__proto__', 'data.hasOwnProperty', 'items.map'])(
    'ignores the inherited property %p',
    (path) => {
      expect(readPath(payload, path)).toBeUndefined();
    },
  );

  it('reads an own __proto__ key that came from JSON', () => {
    expect(readPath(JSON.parse('{"__proto__": {"x": 1}}'), '__proto__.x')).toBe(1);
  });

  it.each([null, undefined, 42, 'text', true])(
    'returns undefined inside the scalar %p',
    (value) => {
      expect(readPath(value, 'a')).toBeUndefined();
    },
  );

  it('finds what was put at any nested path of objects and arrays', () => {
    const step = fc.oneof(
      fc.string().filter((key) => !key.includes('.')),
      fc.nat({ max: 5 }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), fc.anything(), (steps, value) => {
        const nested = steps.reduceRight<unknown>((inner, key) => {
          if (typeof key === 'number') {
            const array: unknown[] = Array.from({ length: key + 1 }, () => ({ noise: true }));
            array[key] = inner;
            return array;
          }
          return { noise: 1, [key]: inner };
        }, value);
        expect(readPath(nested, steps.join('.'))).toBe(value);
      }),
    );
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (anything, path) => {
        expect(() => readPath(anything, path)).not.toThrow();
      }),
    );
  });
});

describe(renderTemplate.name, () => {
  it('fills placeholders with and without inner spaces', () => {
    expect(renderTemplate('Hi {{contact.name}}, id {{ data.messageId }}!', payload)).toEqual({
      ok: true,
      text: 'Hi Ana, id wamid.1!',
    });
  });

  it('writes numbers and booleans with String and objects and arrays as JSON', () => {
    expect(
      renderTemplate('{{data.count}} {{data.ok}} {{items.0}} {{contact.tags}}', payload),
    ).toEqual({ ok: true, text: '3 false {"id":"a"} ["vip","new"]' });
  });

  it('fills an empty string, which is present', () => {
    expect(renderTemplate('[{{data.empty}}]', payload)).toEqual({ ok: true, text: '[]' });
  });

  it('repeats a placeholder as often as it appears', () => {
    expect(renderTemplate('{{contact.name}}{{contact.name}}', payload)).toEqual({
      ok: true,
      text: 'AnaAna',
    });
  });

  it('does not interpret placeholders inside inserted values', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'x' })).toEqual({ ok: true, text: '{{b}}' });
  });

  it('reports the first missing or null path', () => {
    expect(renderTemplate('{{contact.name}} {{data.nothing}} {{nope}}', payload)).toEqual({
      ok: false,
      missingPath: 'data.nothing',
    });
    expect(renderTemplate('{{ nope }} {{data.nothing}}', payload)).toEqual({
      ok: false,
      missingPath: 'nope',
    });
  });

  it('reports an empty placeholder as missing', () => {
    expect(renderTemplate('a {{ }} b', payload)).toEqual({ ok: false, missingPath: '' });
  });

  it('leaves single braces and unclosed placeholders alone', () => {
    expect(renderTemplate('{x} {{contact.name} {{', payload)).toEqual({
      ok: true,
      text: '{x} {{contact.name} {{',
    });
  });

  it('returns a template without placeholders unchanged', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((template) => !template.includes('{{')),
        fc.jsonValue(),
        (template, anyPayload) => {
          expect(renderTemplate(template, anyPayload)).toEqual({ ok: true, text: template });
        },
      ),
    );
  });
});
