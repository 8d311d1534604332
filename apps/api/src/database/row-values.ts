/** A nullable timestamp column as the API's ISO string or null. */
export const isoOrNull = (value: Date | null): string | null => value?.toISOString() ?? null;
