import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@gatehouse/core';
import { ApiError, resolveError, statusOfKind } from './api-error';

describe('statusOfKind', () => {
  it.each([
    ['validation', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['unprocessable', 422],
    ['payload_too_large', 413],
    ['rate_limited', 429],
  ] as [DomainErrorKind, number][])('%s → %i', (kind, status) => {
    expect(statusOfKind(kind)).toBe(status);
  });
});

describe('resolveError', () => {
  it('maps a DomainError to its status and {error:{code,message,details}}', () => {
    const err = DomainError.validation('allowedCidrs', 'bad', { invalid: ['x'] });
    expect(resolveError(err, 'id-1')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'allowedCidrs: bad',
          details: { field: 'allowedCidrs', invalid: ['x'] },
        },
      },
      headers: {},
      internal: false,
    });
  });

  it('omits details when a DomainError has none', () => {
    const resolved = resolveError(DomainError.notFound('credential'), 'id-1');
    expect(resolved.status).toBe(404);
    expect(resolved.body).toEqual({ error: { code: 'not_found', message: 'credential not found' } });
  });

  it('keeps ApiError status, code and headers', () => {
    const resolved = resolveError(
      new ApiError(429, 'rate_limited', 'slow down', undefined, { 'Retry-After': '30' }),
      'id',
    );
    expect(resolved).toMatchObject({ status: 429, headers: { 'Retry-After': '30' }, internal: false });
    expect(resolved.body.error.code).toBe('rate_limited');
  });

  it("maps Fastify's errors before the route to 400/413/415 without passing their messages on", () => {
    const fst = (code: string, statusCode: number) =>
      Object.assign(new Error(`echo: ${code} text/evil`), { code, statusCode });
    expect(resolveError(fst('FST_ERR_CTP_BODY_TOO_LARGE', 413), 'id')).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large', details: { field: 'body' } } },
    });
    expect(resolveError(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), 'id').status).toBe(415);
    expect(resolveError(fst('FST_CP_ERR_INVALID_CONTENT_ENCODING', 415), 'id').status).toBe(415);
    const other = resolveError(fst('FST_ERR_SOMETHING_NEW', 431), 'id');
    expect(other).toMatchObject({ status: 431, internal: false });
    expect(JSON.stringify(other)).not.toContain('text/evil');
    // a framework error that is not the client's stays an opaque 500
    expect(resolveError(fst('FST_ERR_SOMETHING_BROKE', 500), 'id').status).toBe(500);
  });

  it('maps Nest 4xx HttpExceptions to generic codes', () => {
    expect(resolveError(new NotFoundException('Cannot GET /nope'), 'id')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'Cannot GET /nope' } },
      internal: false,
    });
    expect(resolveError(new BadRequestException('bad'), 'id').body.error.code).toBe('bad_request');
  });

  it('turns anything else (including 5xx HttpExceptions) into an opaque 500 with the error id', () => {
    const secretish = new Error('db password is hunter2 at /srv/app.js:12');
    for (const err of [secretish, new HttpException('boom', 503), 'a string', null]) {
      const resolved = resolveError(err, 'err-42');
      expect(resolved).toEqual({
        status: 500,
        body: {
          error: { code: 'internal_error', message: 'An unexpected error occurred', details: { errorId: 'err-42' } },
        },
        headers: {},
        internal: true,
      });
    }
  });
});
