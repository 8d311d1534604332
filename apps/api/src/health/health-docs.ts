import { ApiOkResponse, ApiOperation, ApiTags, type OpenAPIObject } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.decorator';
import { MetricsController } from '../metrics/metrics.controller';
import { HealthController } from './health.controller';
import { LIVENESS_PATH } from './liveness';

// What Swagger says about the routes every role serves. Only the API surface loads Swagger, so
// the decorators are applied here, before the document is built, not on the controllers.

/** Tags and summaries of the health and metrics controllers; call before createDocument. */
export function documentHealthRoutes(): void {
  ApiTags('health')(HealthController);
  ApiTags('health')(MetricsController);
  decorateMethod(HealthController, 'ready', [
    ApiOperation({ summary: 'The database is reachable' }),
    ApiOkResponse({ description: 'The database answered within 3 s' }),
    ApiErrors(503),
  ]);
  decorateMethod(MetricsController, 'scrape', [
    ApiOperation({ summary: 'Prometheus metrics (text format)' }),
  ]);
}

/** `GET /health/live` is not Nest's, so Swagger does not see it: describe it as Nest would. */
export function documentLiveness(document: OpenAPIObject): void {
  document.paths[LIVENESS_PATH] = {
    get: {
      operationId: 'HealthController_live',
      summary: 'The process is up',
      parameters: [],
      responses: { '200': { description: '' } },
      tags: ['health'],
    },
  };
}

function decorateMethod<T extends object>(
  controller: { prototype: T },
  method: keyof T & string,
  decorators: MethodDecorator[],
): void {
  const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, method)!;
  for (const decorator of decorators) {
    decorator(controller.prototype, method, descriptor);
  }
}
