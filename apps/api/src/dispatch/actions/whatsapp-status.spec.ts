import { readWhatsappStatus } from './whatsapp-status';

const answer = (httpStatus: number | null, body: unknown, error: string | null = null) => ({
  outcome: 'success' as const,
  httpStatus,
  error,
  responseExcerpt: body === null ? null : JSON.stringify(body),
  retryAfterMs: null,
});

// Evolution Go's GetMessageStatus: { message: "success", data: { result, timestamp } }.
const found = (status: string) => ({
  message: 'success',
  data: {
    result: {
      id: 'e3b0',
      message_id: '3EB0AA',
      timestamp: '2026-12-06 10:30:00',
      status,
      source: '5511',
    },
    timestamp: '0001-01-01 00:00:00 +0000 UTC',
  },
});

describe(readWhatsappStatus.name, () => {
  it.each(['Delivered', 'Read', 'SENT', 'DELIVERED', 'READ', 'PLAYED'])(
    'reads status %s as sent',
    (status) => {
      expect(readWhatsappStatus(answer(200, found(status)))).toEqual({
        result: 'sent',
        detail: status,
      });
    },
  );

  it('reads a PENDING message as known but not sent', () => {
    expect(readWhatsappStatus(answer(200, found('PENDING'))).result).toBe('pending');
  });

  it('reads result null as a message the gateway does not know', () => {
    const sut = readWhatsappStatus(answer(200, { message: 'success', data: { result: null } }));
    expect(sut.result).toBe('not_found');
  });

  it('proves nothing from an error, no answer or another body', () => {
    expect(readWhatsappStatus(answer(500, { error: 'client disconnected' }))).toEqual({
      result: 'unavailable',
      detail: 'HTTP 500: {"error":"client disconnected"}',
    });
    expect(readWhatsappStatus(answer(null, null, 'Timed out after 300 ms'))).toEqual({
      result: 'unavailable',
      detail: 'Timed out after 300 ms',
    });
    expect(readWhatsappStatus(answer(200, { message: 'success' })).result).toBe('unavailable');
    expect(readWhatsappStatus(answer(200, null)).result).toBe('unavailable');
    expect(readWhatsappStatus({ ...answer(200, null), responseExcerpt: '{"data":' }).result).toBe(
      'unavailable',
    );
  });
});
