import { isValidSlug } from './slug';

// A glob is '*', an exact slug, or a slug prefix followed by one trailing '*'.
export function isValidDeadLetterGlob(glob: string): boolean {
  return (
    glob === '*' || isValidSlug(glob) || (glob.endsWith('*') && isValidSlug(glob.slice(0, -1)))
  );
}

export function matchesDeadLetterGlob(glob: string, slug: string): boolean {
  if (!isValidDeadLetterGlob(glob)) {
    return false;
  }
  return glob.endsWith('*') ? slug.startsWith(glob.slice(0, -1)) : slug === glob;
}
