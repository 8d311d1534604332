import { describe, expect, it } from 'vitest';
import { configFileName, isEmptyPlan, parseConfigDocument } from './config-import';

describe(parseConfigDocument.name, () => {
  it('reads a document and names what is not one', () => {
    expect(parseConfigDocument('{"triggers":[],"flowGroups":[]}')).toEqual({
      ok: true,
      document: { triggers: [], flowGroups: [] },
    });
    expect(parseConfigDocument('{').ok).toBe(false);
    expect(parseConfigDocument('{"triggers":{}}')).toEqual({
      ok: false,
      problem: 'Not a configuration document: it has no "triggers" list.',
    });
  });
});

describe(isEmptyPlan.name, () => {
  it('is empty only when nothing is created, updated or deleted', () => {
    const noGroups = { create: [], update: [], delete: [] };
    expect(isEmptyPlan({ create: [], update: [], delete: [], flowGroups: noGroups })).toBe(true);
    expect(
      isEmptyPlan({
        create: [],
        update: [{ slug: 'a', fields: ['name'] }],
        delete: [],
        flowGroups: noGroups,
      }),
    ).toBe(false);
    expect(
      isEmptyPlan({
        create: [],
        update: [],
        delete: [],
        flowGroups: { create: ['wa-number'], update: [], delete: [] },
      }),
    ).toBe(false);
  });
});

describe(configFileName.name, () => {
  it('dates the file', () => {
    expect(configFileName(new Date('2026-12-06T11:00:00Z'))).toBe(
      'triggerline-config-2026-12-06.json',
    );
  });
});
