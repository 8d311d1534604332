import {
  defaultIdempotencyKeyHeaders,
  EVOLUTION_TOKEN,
  IDEMPOTENCY_KEY_HEADER,
  SCHEME_DESCRIPTIONS,
  type VerificationScheme,
} from '@triggerline/contracts';
import { presetInput, type VerificationFormValue } from './verification-form';

/** A run of the setup text; code is shown as code, to be copied as it is. */
export interface SetupPart {
  text: string;
  isCode: boolean;
}

/** One line of "set the sender up like this". */
export interface SetupItem {
  label: string;
  parts: SetupPart[];
}

export interface SenderSetupInput {
  verification: VerificationFormValue;
  /** Where this console is reached; PUBLIC_URL is not known here. */
  origin: string;
  /** The trigger's webhook URL. */
  hookUrl: string;
}

const text = (value: string): SetupPart => ({ text: value, isCode: false });
const code = (value: string): SetupPart => ({ text: value, isCode: true });

/**
 * What the sender must send for the chosen scheme and options, from the scheme's description:
 * the headers and signature, where a token goes, the secret, the delivery id read as the key,
 * and the extra steps of Meta (the subscription handshake) and Twilio (the signed URL).
 */
export function senderSetup(input: SenderSetupInput): SetupItem[] {
  const { verification, hookUrl } = input;
  const scheme = verification.scheme;
  if (scheme === null) {
    return [];
  }
  const description = SCHEME_DESCRIPTIONS[scheme];
  const items: SetupItem[] = [
    ...credentialItems(scheme, verification, hookUrl),
    { label: 'Secret', parts: [text(description.secretFormat)] },
  ];
  const deliveryIds = defaultIdempotencyKeyHeaders(presetInput(verification)).filter(
    (header) => header !== IDEMPOTENCY_KEY_HEADER,
  );
  if (deliveryIds.length > 0) {
    items.push({
      label: 'Delivery id',
      parts: [
        ...list(deliveryIds),
        text(' deduplicates repeated deliveries (read as the idempotency key).'),
      ],
    });
  }
  if (scheme === 'meta') {
    items.push(
      {
        label: "Meta's dashboard, Callback URL",
        parts: [
          code(hookUrl),
          text(' (Meta checks it with a GET carrying hub.mode, hub.verify_token, hub.challenge)'),
        ],
      },
      {
        label: "Meta's dashboard, Verify token",
        parts: [
          text(
            verification.verifyToken === '' && verification.hasVerifyToken
              ? 'the Verify Token stored here (write-only: type a new one to replace it)'
              : 'the Verify Token entered here',
          ),
        ],
      },
    );
  }
  if (scheme === 'twilio') {
    items.push({
      label: 'PUBLIC_URL',
      parts: [
        text(
          "must be the URL Twilio calls: Twilio signs the whole URL, so set PUBLIC_URL on the server to the origin of the webhook URL in Twilio's console (here ",
        ),
        code(input.origin),
        text('). Behind a proxy, a different host or scheme fails every signature.'),
      ],
    });
  }
  return items;
}

/** How the sender proves itself: a signature over the request, or a token, or a password. */
function credentialItems(
  scheme: VerificationScheme,
  verification: VerificationFormValue,
  hookUrl: string,
): SetupItem[] {
  const description = SCHEME_DESCRIPTIONS[scheme];
  switch (scheme) {
    case 'token':
      return [{ label: 'Token', parts: tokenPlace(verification, hookUrl) }];
    case 'evolution':
      return [
        {
          label: 'Token',
          parts: [
            text("the instance's API key, in the body field "),
            code(EVOLUTION_TOKEN.name),
            text(': Evolution sends it by itself, only the webhook URL needs setting.'),
          ],
        },
      ];
    case 'basic':
      return [
        {
          label: 'Header',
          parts: [
            code('Authorization: Basic <base64 of user:password>'),
            text(', or the URL with the credentials in it: '),
            code(hookUrl.replace('://', '://user:password@')),
          ],
        },
      ];
    case 'hmac': {
      const header = verification.header.trim() || '<header>';
      const digest = `<${verification.encoding} HMAC-${verification.algorithm.toUpperCase()}>`;
      return [
        { label: 'Header', parts: [code(header)] },
        signature(`${verification.prefix}${digest}`, description.signedContent),
      ];
    }
    case 'hmac-sha256':
    case 'github':
    case 'stripe':
    case 'shopify':
    case 'slack':
    case 'standard-webhooks':
    case 'twilio':
    case 'meta':
      return [
        { label: 'Headers', parts: list(description.headers) },
        signature(description.signatureFormat, description.signedContent),
      ];
  }
}

function tokenPlace(verification: VerificationFormValue, hookUrl: string): SetupPart[] {
  const name = verification.name.trim() || '<name>';
  switch (verification.in) {
    case 'header':
      return [text('the token itself, in the header '), code(name)];
    case 'query':
      return [
        text('the token itself, in the query parameter '),
        code(name),
        text(' of the URL the sender calls: '),
        code(`${hookUrl}?${name}=<token>`),
      ];
    case 'body':
      return [text('the token itself, in the JSON or form body field '), code(name)];
  }
}

function signature(format: string, signedContent: string): SetupItem {
  return {
    label: 'Signature',
    parts: [
      code(format),
      text(' over '),
      code(signedContent),
      ...(signedContent.includes('<body>') ? [text(' (the raw body)')] : []),
    ],
  };
}

/** `a, b, c` with each name as code. */
function list(names: readonly string[]): SetupPart[] {
  return names.flatMap((name, i) => (i === 0 ? [code(name)] : [text(', '), code(name)]));
}
