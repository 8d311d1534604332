// Bare Fastify with one route, the same Fastify the service runs on (resolved from
// @nestjs/platform-fastify): the ceiling of Triggerline's GET /health/live.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fastifyPath = require.resolve('fastify', {
  paths: [require.resolve('@nestjs/platform-fastify')],
});
const fastify = require(fastifyPath)({ logger: false });
fastify.get('/health/live', async () => ({ status: 'ok' }));
await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => {
  fastify.close().then(() => process.exit(0));
});
console.log('ready');
