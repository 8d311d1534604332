import type { ServerResponse } from 'node:http';
import { HttpTarget, type ReceivedRequest } from './http-target';

export type GatewayProvider = 'evolution-go' | 'evolution-v2' | 'meta-cloud';

/**
 * How the gateway answers next: `ok`, a recipient that is not on WhatsApp, a session that
 * lost its phone (a person must scan the QR code again), Meta's closed re-engagement window,
 * a plain 503, or no answer at all (the outcome is unknown) to a message it then delivers
 * (`stall`) or never sends (`stall_unsent`).
 */
export type GatewayMode =
  'ok' | 'not_registered' | 'disconnected' | 'reengagement' | 'busy' | 'stall' | 'stall_unsent';

// Evolution Go's status answer carries a `timestamp` its handler never sets (Go's zero time).
const GO_ZERO_TIME = '0001-01-01 00:00:00 +0000 UTC';

/**
 * A local stand-in for a WhatsApp gateway that answers like the provider's documented API:
 * its paths, its credential header, its success and error bodies (docs/whatsapp.md cites the
 * pages). A request on an unknown path or with the wrong credential gets the provider's 404/401.
 */
export class WhatsappGateway {
  mode: GatewayMode = 'ok';
  private modes: GatewayMode[] = [];
  /** Evolution Go's message store: the status of each client message id it has a receipt of. */
  readonly messageStatuses = new Map<string, string>();

  private constructor(
    readonly provider: GatewayProvider,
    readonly apiKey: string,
    private readonly target: HttpTarget,
  ) {
    target.respond((request, response) => this.answer(request, response));
  }

  static async start(provider: GatewayProvider, apiKey: string): Promise<WhatsappGateway> {
    return new WhatsappGateway(provider, apiKey, await HttpTarget.start());
  }

  /** Where the action's baseUrl points (Meta's includes the Graph API version). */
  get baseUrl(): string {
    return this.provider === 'meta-cloud' ? `${this.target.url}/v21.0` : this.target.url;
  }

  get received(): ReceivedRequest[] {
    return this.target.received;
  }

  requestsFor(executionId: string): ReceivedRequest[] {
    return this.target.requestsFor(executionId);
  }

  /** Answers the next requests in these modes, then keeps `mode`. */
  answerInTurn(...modes: GatewayMode[]): void {
    this.modes = modes;
  }

  close(): Promise<void> {
    return this.target.close();
  }

  private answer(request: ReceivedRequest, response: ServerResponse): void {
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const route = this.route(request);
    if (route === null) {
      return json(404, { error: `Cannot POST ${request.path}` });
    }
    if (!this.isAuthorized(request)) {
      return this.provider === 'meta-cloud'
        ? json(401, metaError(190, 'Invalid OAuth access token - Cannot parse access token'))
        : json(401, { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });
    }
    const body = JSON.parse(request.body) as Record<string, unknown>;
    if (route === 'status') {
      return json(...this.status(body));
    }
    const mode = this.modes.shift() ?? this.mode;
    const number = String(body.number ?? body.to);
    switch (mode) {
      case 'ok':
        return json(...this.sent(body, number));
      case 'stall':
        // Sent and delivered, but the answer never comes back.
        this.messageStatuses.set(String(body.id), 'Delivered');
        return;
      case 'stall_unsent':
        return;
      case 'busy':
        return json(503, { error: 'Service Unavailable' });
      case 'not_registered':
        return this.provider === 'evolution-v2'
          ? json(400, {
              status: 400,
              error: 'Bad Request',
              response: { message: [{ exists: false, jid: `${number}@s.whatsapp.net`, number }] },
            })
          : json(500, { error: `number ${number} is not registered on WhatsApp` });
      case 'disconnected':
        return this.provider === 'evolution-v2'
          ? json(500, {
              status: 500,
              error: 'Internal Server Error',
              response: { message: 'Connection Closed' },
            })
          : json(500, { error: 'client disconnected' });
      case 'reengagement':
        return json(
          400,
          metaError(
            131047,
            'Re-engagement message',
            'Message failed to send because more than 24 hours have passed since the customer ' +
              'last replied to this number.',
          ),
        );
    }
  }

  // The documented send endpoints of each provider, and Evolution Go's message status; null
  // for any other path.
  private route(request: ReceivedRequest): 'text' | 'media' | 'status' | null {
    if (request.method !== 'POST') {
      return null;
    }
    const routes: Record<GatewayProvider, [RegExp, 'text' | 'media' | 'status'][]> = {
      'evolution-go': [
        [/^\/send\/text$/, 'text'],
        [/^\/send\/media$/, 'media'],
        [/^\/message\/status$/, 'status'],
      ],
      'evolution-v2': [
        [/^\/message\/sendText\/[^/]+$/, 'text'],
        [/^\/message\/sendMedia\/[^/]+$/, 'media'],
      ],
      'meta-cloud': [[/^\/v21\.0\/[0-9]+\/messages$/, 'text']],
    };
    return routes[this.provider].find(([path]) => path.test(request.path))?.[1] ?? null;
  }

  private isAuthorized(request: ReceivedRequest): boolean {
    return this.provider === 'meta-cloud'
      ? request.headers.authorization === `Bearer ${this.apiKey}`
      : request.headers.apikey === this.apiKey;
  }

  // Evolution Go's POST /message/status { id }: its stored message (message_model.Message), or
  // `result: null` for an id it has no record of; 500 while its session is disconnected.
  private status(body: Record<string, unknown>): [number, unknown] {
    if (typeof body.id !== 'string' || body.id === '') {
      return [400, { error: 'id is required' }];
    }
    if (this.mode === 'disconnected') {
      // The handler asks the session first (ensureClientConnected).
      return [500, { error: 'client disconnected' }];
    }
    const status = this.messageStatuses.get(body.id);
    const result =
      status === undefined
        ? null
        : {
            id: '6f1c2a9e-0d4b-4f57-9a8e-3c1f0b7d2e44',
            message_id: body.id,
            timestamp: '2026-12-06 10:30:00',
            status,
            source: '5511999990000',
          };
    return [200, { message: 'success', data: { result, timestamp: GO_ZERO_TIME } }];
  }

  private sent(body: Record<string, unknown>, number: string): [number, unknown] {
    switch (this.provider) {
      case 'evolution-go':
        return [
          200,
          {
            message: 'success',
            data: {
              Info: {
                ID: body.id ?? '3EB0000000000000000000',
                Chat: `${number}@s.whatsapp.net`,
                IsFromMe: true,
              },
            },
          },
        ];
      case 'evolution-v2':
        return [
          201,
          {
            key: { remoteJid: `${number}@s.whatsapp.net`, fromMe: true, id: 'BAE5F5A632EAE722' },
            messageTimestamp: '1717775575',
            status: 'PENDING',
          },
        ];
      case 'meta-cloud':
        return [
          200,
          {
            messaging_product: 'whatsapp',
            contacts: [{ input: number, wa_id: number }],
            messages: [{ id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA' }],
          },
        ];
    }
  }
}

// The Graph API's error envelope.
function metaError(code: number, message: string, details?: string) {
  return {
    error: {
      message: `(#${code}) ${message}`,
      type: 'OAuthException',
      code,
      ...(details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details } }),
      fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
    },
  };
}
