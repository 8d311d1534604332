import { readPath, renderTemplate } from './payload-path';

// SPEC §14: an http action's body as a JSON template. A string that is exactly "{{path}}" takes
// the value at that path with its JSON type; other strings interpolate as WhatsApp texts do.
const WHOLE_VALUE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

export type BodyTemplateResult = { ok: true; value: unknown } | { ok: false; missingPath: string };

/** The body a template gives for `payload`, or the first path with no value there. */
export function renderBodyTemplate(template: unknown, payload: unknown): BodyTemplateResult {
  if (typeof template === 'string') {
    const whole = WHOLE_VALUE.exec(template);
    if (whole !== null) {
      // A whole-value placeholder may take null: it is a value, only an absent path is missing.
      const value = readPath(payload, whole[1]);
      return value === undefined ? { ok: false, missingPath: whole[1] } : { ok: true, value };
    }
    const rendered = renderTemplate(template, payload);
    return rendered.ok ? { ok: true, value: rendered.text } : rendered;
  }
  if (Array.isArray(template)) {
    const items: unknown[] = [];
    for (const item of template) {
      const rendered = renderBodyTemplate(item, payload);
      if (!rendered.ok) {
        return rendered;
      }
      items.push(rendered.value);
    }
    return { ok: true, value: items };
  }
  if (typeof template === 'object' && template !== null) {
    const fields: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(template)) {
      const rendered = renderBodyTemplate(item, payload);
      if (!rendered.ok) {
        return rendered;
      }
      fields[name] = rendered.value;
    }
    return { ok: true, value: fields };
  }
  return { ok: true, value: template };
}
