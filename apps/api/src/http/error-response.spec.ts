import { ReplayRateLimitedError } from '../executions/executions.errors';
import { TriggerError } from '../triggers/triggers.errors';
import { toErrorResponse } from './error-response';
import { RequestError } from './request.errors';

describe(toErrorResponse.name, () => {
  it('answers a domain error with its code, its status and nothing else', () => {
    expect(toErrorResponse(new TriggerError('trigger_not_found', 'No trigger.'))).toEqual({
      status: 404,
      body: { error: 'trigger_not_found', message: 'No trigger.' },
      headers: {},
      isUnexpected: false,
    });
  });

  it('adds what the error carries: the details of a refused request', () => {
    const error = new RequestError('validation_failed', 'Invalid.', ['name is empty']);

    expect(toErrorResponse(error).body).toEqual({
      error: 'validation_failed',
      message: 'Invalid.',
      details: ['name is empty'],
    });
  });

  it('adds what the error carries: the wait of a replay too soon, in the body and Retry-After', () => {
    const response = toErrorResponse(new ReplayRateLimitedError(42));

    expect(response.status).toBe(429);
    expect(response.body).toMatchObject({ error: 'rate_limited', retryAfterSeconds: 42 });
    expect(response.headers).toEqual({ 'retry-after': '42' });
  });

  it('answers anything unknown 500 with a generic message', () => {
    expect(toErrorResponse(new Error('secret detail'))).toMatchObject({
      status: 500,
      body: { error: 'internal_error', message: 'Something went wrong on our side.' },
      isUnexpected: true,
    });
  });
});
