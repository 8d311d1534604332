import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError } from './request.errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for signature checks. */
    rawBody?: Buffer;
  }
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json$/i;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const TEXT_TYPE = 'text/plain';

type Done = (error: Error | null, body?: unknown) => void;

function parseJson(text: string): unknown {
  if (text.trim() === '') {
    throw new RequestError('invalid_body', 'The JSON body is empty.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Also catches a RangeError from absurdly deep nesting.
    throw new RequestError('invalid_body', 'The body is not valid JSON.');
  }
}

function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = fields[name];
    fields[name] =
      existing === undefined
        ? value
        : Array.isArray(existing)
          ? [...existing, value]
          : [existing, value];
  }
  return fields;
}

const MAX_DEPTH = 64;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// PostgreSQL's jsonb cannot hold NUL characters and limits nesting: refuse such bodies as
// bad input here rather than failing later in the database.
function assertStorable(value: unknown, depth = 0): void {
  if (depth > MAX_DEPTH) {
    throw new RequestError('invalid_body', `The body is nested deeper than ${MAX_DEPTH} levels.`);
  }
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new RequestError('invalid_body', 'NUL characters are not supported in bodies.');
  }
  // JSON may escape half of a UTF-16 surrogate pair ("\ud800"), which is no character at all.
  if (typeof value === 'string' && LONE_SURROGATE.test(value)) {
    throw new RequestError('invalid_body', 'The body holds an unpaired UTF-16 surrogate.');
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      assertStorable(key, depth);
      assertStorable(item, depth + 1);
    }
  }
}

function parser(parse: (text: string) => unknown) {
  return (request: FastifyRequest, raw: Buffer, done: Done): void => {
    request.rawBody = raw;
    try {
      const body = parse(raw.toString('utf8'));
      assertStorable(body);
      done(null, body);
    } catch (error) {
      done(error as Error);
    }
  };
}

/**
 * A stored raw body parsed as the content parsers would have parsed it (a rejection's retry);
 * throws the same errors, 415 for a media type they do not take.
 */
export function parseRawBody(contentType: string | undefined, raw: Buffer): unknown {
  const type = (contentType ?? '').split(';')[0].trim();
  const parse = JSON_TYPE.test(type)
    ? parseJson
    : type.toLowerCase() === FORM_TYPE
      ? parseForm
      : type.toLowerCase() === TEXT_TYPE
        ? (text: string) => text
        : null;
  if (parse === null) {
    throw new RequestError(
      'unsupported_media_type',
      'Send application/json, application/x-www-form-urlencoded or text/plain.',
    );
  }
  const body = parse(raw.toString('utf8'));
  assertStorable(body);
  return body;
}

/**
 * JSON, form and text bodies, each kept raw beside the parsed value. Any other media type is
 * answered 415 by Fastify; bodies above `bodyLimit` 413.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_TYPE, { parseAs: 'buffer' }, parser(parseJson));
  fastify.addContentTypeParser(FORM_TYPE, { parseAs: 'buffer' }, parser(parseForm));
  fastify.addContentTypeParser(
    TEXT_TYPE,
    { parseAs: 'buffer' },
    parser((text) => text),
  );
}
