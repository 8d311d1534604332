export function readPath(payload: unknown, path: string): unknown {
  let current = payload;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export type RenderResult = { ok: true; text: string } | { ok: false; missingPath: string };

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function renderTemplate(template: string, payload: unknown): RenderResult {
  let text = '';
  let copiedUpTo = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const path = match[1];
    const value = readPath(payload, path);
    if (value === undefined || value === null) {
      return { ok: false, missingPath: path };
    }
    text += template.slice(copiedUpTo, match.index) + formatValue(value);
    copiedUpTo = match.index + match[0].length;
  }
  return { ok: true, text: text + template.slice(copiedUpTo) };
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}
