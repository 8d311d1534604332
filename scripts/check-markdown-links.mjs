#!/usr/bin/env node
// Checks that every relative link in README.md and docs/*.md resolves: the file (or folder)
// exists inside the repository, and a #fragment names a heading of the target, slugged as
// GitHub does. Links with a scheme (https:, mailto:) are not followed. Run by `npm run lint`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function markdownFiles() {
  const docs = join(root, 'docs');
  const pages = existsSync(docs)
    ? readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => join(docs, name))
    : [];
  return [join(root, 'README.md'), ...pages];
}

// Code is not prose: fenced blocks and inline code spans are blanked, line breaks kept, so
// that line numbers still point at the source.
function withoutCode(text) {
  const blank = (match) => match.replace(/[^\n]/g, ' ');
  return text
    .replace(/^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\2[^\n]*$/gm, blank)
    .replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, blank);
}

/** GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingSlugs(markdown) {
  const counts = new Map();
  const slugs = new Set();
  const prose = markdown.replace(/^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\2[^\n]*$/gm, '');
  for (const [, heading] of prose.matchAll(/^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link counts by its text
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '');
    const base = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    slugs.add(seen === 0 ? base : `${base}-${seen}`);
  }
  return slugs;
}

function links(markdown) {
  const prose = withoutCode(markdown);
  const found = [];
  const lineOf = (index) => prose.slice(0, index).split('\n').length;
  // Inline links and images; the text may span lines and hold one level of brackets.
  for (const match of prose.matchAll(
    /!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g,
  )) {
    found.push({ target: match[1], line: lineOf(match.index) });
  }
  // Reference definitions: [name]: target
  for (const match of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) {
    found.push({ target: match[1], line: lineOf(match.index) });
  }
  return found;
}

const slugCache = new Map();
function slugsOf(file) {
  if (!slugCache.has(file)) {
    slugCache.set(file, headingSlugs(readFileSync(file, 'utf8')));
  }
  return slugCache.get(file);
}

function problemWith(file, target) {
  if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return null; // external (https:, mailto:): not followed
  }
  const [rawPath, rawFragment] = target.split('#', 2);
  const path = decodeURIComponent(rawPath);
  const resolved = path === '' ? file : resolve(dirname(file), path);
  const inside = relative(root, resolved);
  if (inside === '..' || inside.startsWith(`..${sep}`) || path.startsWith('/')) {
    return 'leaves the repository';
  }
  if (!existsSync(resolved)) {
    return 'no such file';
  }
  if (rawFragment === undefined) {
    return null;
  }
  if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
    return null; // line anchors (#L10) of source files are GitHub's, not checked
  }
  const fragment = decodeURIComponent(rawFragment).toLowerCase();
  return slugsOf(resolved).has(fragment) ? null : `no heading #${fragment}`;
}

const problems = [];
let checked = 0;
for (const file of markdownFiles()) {
  if (!existsSync(file)) {
    continue;
  }
  for (const { target, line } of links(readFileSync(file, 'utf8'))) {
    checked++;
    const problem = problemWith(file, target);
    if (problem !== null) {
      problems.push(`${relative(root, file)}:${line}: ${target}: ${problem}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`Broken Markdown links (${problems.length}):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`Markdown links: ${checked} checked, all resolve.`);
