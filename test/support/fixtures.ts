/** A valid trigger body; `overrides` replace top-level fields. */
export function httpTrigger(slug: string, overrides: Record<string, unknown> = {}) {
  return {
    name: `Trigger ${slug}`,
    slug,
    action: { type: 'http', url: 'http://127.0.0.1:9/unused' },
    ...overrides,
  };
}

export function whatsappTrigger(
  slug: string,
  baseUrl: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    name: `WhatsApp ${slug}`,
    slug,
    action: {
      type: 'whatsapp',
      baseUrl,
      apiKey: 'evolution-api-key',
      toPath: 'phone',
      textTemplate: 'Hello {{name}}, order {{order.id}} shipped',
    },
    ...overrides,
  };
}
