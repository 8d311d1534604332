import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** A span as OTLP/HTTP JSON encodes it (ids in hex, kind as its number), with its service. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 2: SERVER, 3: CLIENT (OTLP's SpanKind). */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  status: { code?: number; message?: string };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: {
      spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: OtlpAttribute[] })[];
    }[];
  }[];
}

const valueOf = (value: OtlpValue) =>
  value.stringValue ?? value.boolValue ?? value.doubleValue ?? Number(value.intValue);

const attributesOf = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));

/**
 * An OTLP/HTTP trace receiver (POST /v1/traces), standing in for a collector: JSON requests are
 * decoded into spans, protobuf ones kept as bytes with their content type.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly requests: { path: string; contentType: string; body: Buffer }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const receiver = new OtlpReceiver(server, `http://127.0.0.1:${port}`);
    server.on('request', (request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        receiver.receive(request, Buffer.concat(chunks));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    return receiver;
  }

  private receive(request: IncomingMessage, body: Buffer): void {
    const contentType = request.headers['content-type'] ?? '';
    this.requests.push({ path: request.url ?? '', contentType, body });
    if (!contentType.startsWith('application/json')) {
      return;
    }
    for (const { resource, scopeSpans } of (JSON.parse(body.toString()) as OtlpTraces)
      .resourceSpans) {
      const service = String(attributesOf(resource.attributes)['service.name']);
      for (const span of scopeSpans.flatMap((scope) => scope.spans)) {
        this.spans.push({
          ...span,
          service,
          parentSpanId: span.parentSpanId ?? '',
          attributes: attributesOf(span.attributes),
        });
      }
    }
  }

  async close(): Promise<void> {
    this.server.close();
    await once(this.server, 'close');
  }
}
