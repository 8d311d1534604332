export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isValidSlug(value: string): boolean {
  return SLUG_PATTERN.test(value);
}
