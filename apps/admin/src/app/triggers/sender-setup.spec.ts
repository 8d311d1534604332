import { describe, expect, it } from 'vitest';
import { senderSetup, type SetupItem } from './sender-setup';
import { verificationFormValue, type VerificationFormValue } from './verification-form';

const HOOK = 'https://hooks.example/hooks/wa';

function setupFor(change: Partial<VerificationFormValue>): Record<string, string> {
  const items = senderSetup({
    verification: { ...verificationFormValue(null), ...change },
    origin: 'https://hooks.example',
    hookUrl: HOOK,
  });
  return Object.fromEntries(items.map((item: SetupItem) => [item.label, readable(item)]));
}

/** The item as one line, code in backticks. */
function readable(item: SetupItem): string {
  return item.parts.map((part) => (part.isCode ? `\`${part.text}\`` : part.text)).join('');
}

describe('senderSetup', () => {
  it('says nothing without a scheme', () => {
    expect(setupFor({})).toEqual({});
  });

  it('names the header, the signature and the delivery id of a preset scheme', () => {
    expect(setupFor({ scheme: 'github' })).toEqual({
      Headers: '`X-Hub-Signature-256`, `X-GitHub-Delivery`',
      Signature: '`sha256=<hex HMAC-SHA256>` over `<body>` (the raw body)',
      Secret: "the webhook's Secret as typed in GitHub",
      'Delivery id':
        '`X-GitHub-Delivery` deduplicates repeated deliveries (read as the idempotency key).',
    });
  });

  it('builds the generic hmac signature from its options', () => {
    const setup = setupFor({
      scheme: 'hmac',
      header: 'X-Hub-Signature',
      algorithm: 'sha1',
      encoding: 'base64',
      prefix: 'sha1=',
    });
    expect(setup['Header']).toBe('`X-Hub-Signature`');
    expect(setup['Signature']).toBe('`sha1=<base64 HMAC-SHA1>` over `<body>` (the raw body)');
  });

  it('says where a token goes: a header, a query parameter of the URL, or a body field', () => {
    expect(setupFor({ scheme: 'token', in: 'header', name: 'X-Gitlab-Token' })).toMatchObject({
      Token: 'the token itself, in the header `X-Gitlab-Token`',
      'Delivery id': expect.stringContaining('`X-Gitlab-Event-UUID`'),
    });
    expect(setupFor({ scheme: 'token', in: 'query', name: 'token' })['Token']).toBe(
      `the token itself, in the query parameter \`token\` of the URL the sender calls: \`${HOOK}?token=<token>\``,
    );
    expect(setupFor({ scheme: 'token', in: 'body', name: '' })['Token']).toContain('`<name>`');
    expect(setupFor({ scheme: 'evolution' })['Token']).toContain('body field `apikey`');
  });

  it('gives Basic credentials as a header or in the URL', () => {
    expect(setupFor({ scheme: 'basic' })['Header']).toBe(
      '`Authorization: Basic <base64 of user:password>`, or the URL with the credentials in it: `https://user:password@hooks.example/hooks/wa`',
    );
  });

  it("gives Meta's dashboard the callback URL and the verify token, stored or typed", () => {
    const stored = setupFor({ scheme: 'meta', hasVerifyToken: true });
    expect(stored["Meta's dashboard, Callback URL"]).toContain(`\`${HOOK}\``);
    expect(stored["Meta's dashboard, Verify token"]).toContain('stored here');
    expect(
      setupFor({ scheme: 'meta', hasVerifyToken: true, verifyToken: 'new' })[
        "Meta's dashboard, Verify token"
      ],
    ).toBe('the Verify Token entered here');
  });

  it('tells that PUBLIC_URL must be the URL Twilio calls', () => {
    expect(setupFor({ scheme: 'twilio' })['PUBLIC_URL']).toContain('must be the URL Twilio calls');
  });
});
