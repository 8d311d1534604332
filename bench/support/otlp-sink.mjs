// A stand-in OpenTelemetry collector for the benchmark: accepts OTLP/HTTP exports on loopback,
// reads and discards them, and counts them, so that tracing costs the exporting process what
// it would against a real collector on the same host.
import { once } from 'node:events';
import http from 'node:http';

export async function startOtlpSink() {
  const state = { exports: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on('data', (chunk) => (state.bytes += chunk.length));
    req.on('end', () => {
      state.exports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get exports() {
      return state.exports;
    },
    get bytes() {
      return state.bytes;
    },
    async close() {
      server.close();
      await once(server, 'close');
    },
  };
}
