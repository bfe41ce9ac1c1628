import type { FastifyReply } from 'fastify';
import { Logger } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { sendError } from './api-exception.filter';

/** Enough of Fastify's reply for sendError: what was sent, and the request it answers. */
function fakeReply(id: string) {
  const sent: { status?: number; body?: string } = {};
  const reply = {
    raw: { headersSent: false, writableEnded: false },
    request: { id },
    sent: false,
    status(code: number) {
      sent.status = code;
      return reply;
    },
    headers: () => reply,
    type: () => reply,
    send(body: string) {
      sent.body = body;
      return Promise.resolve();
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('sendError', () => {
  it("logs an unexpected error once, with its error id and the request's id; the client gets the error id only", () => {
    const logger = new Logger('test');
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const { reply, sent } = fakeReply('1f6c0a-2s');
    sendError(reply, new Error('connection to db lost'), logger);
    expect(sent.status).toBe(500);
    const errorId = (JSON.parse(sent.body!) as { error: { details: { errorId: string } } }).error.details.errorId;
    expect(errorId).toEqual(expect.any(String));
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ errorId, reqId: '1f6c0a-2s', err: expect.any(Error) }),
      'unhandled error',
    );
    expect(sent.body).not.toContain('1f6c0a-2s');
    expect(sent.body).not.toContain('connection to db lost');
  });

  it('a known error is not logged', () => {
    const logger = new Logger('test');
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const { reply, sent } = fakeReply('1f6c0a-2t');
    sendError(reply, new ApiError(404, 'not_found', 'no such thing'), logger);
    expect(sent.status).toBe(404);
    expect(logged).not.toHaveBeenCalled();
  });
});
