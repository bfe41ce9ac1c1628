import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { DomainError } from '@gatehouse/core';
import { ApiError } from '@gatehouse/platform';
import { requestIdGenerator } from '@gatehouse/platform/http';
import { SoapFault, toSoapFault } from './soap-fault';

describe('toSoapFault', () => {
  it('keeps the code and message of known errors as soap:Client, status 500', () => {
    const fault = toSoapFault(DomainError.validation('body', 'must not be empty'));
    expect(fault).toMatchObject({ faultCode: 'soap:Client', code: 'validation_failed', status: 500 });
    expect(fault.faultString).toBe('validation_failed: body: must not be empty');
  });

  it('keeps the HTTP status of an HTTP-layer refusal only when asked', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toSoapFault(tooLarge, true)).toMatchObject({ code: 'payload_too_large', status: 413 });
    expect(toSoapFault(tooLarge)).toMatchObject({ code: 'payload_too_large', status: 500 });
    expect(toSoapFault(new ApiError(429, 'banned', 'later', undefined, { 'Retry-After': '9' })).headers).toEqual({
      'Retry-After': '9',
    });
  });

  it('turns anything unexpected into a generic soap:Server fault that says nothing of it', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const fault = toSoapFault(new Error('db password hunter2 at /srv/app.js:12'));
    expect(fault).toMatchObject({ faultCode: 'soap:Server', code: 'internal_error', status: 500 });
    expect(fault.toEnvelope()).not.toMatch(/hunter2|app\.js/);
    expect(fault.message).toMatch(/^an unexpected error occurred \(\S+\)$/);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });

  it("logs the request's id with an unexpected error, from Node's response too", () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const raw = {} as IncomingMessage;
    const id = requestIdGenerator()(raw);
    toSoapFault(new Error('boom'), false, { req: raw } as ServerResponse);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ reqId: id }), 'unhandled error');
    logged.mockRestore();
  });
});

describe('SoapFault', () => {
  it('writes a SOAP 1.1 envelope with escaped text and a namespaced detail', () => {
    const fault = SoapFault.client('not_found', 'no <such> & "thing"\u0001', { retryAfterSeconds: 5 });
    expect(fault.toEnvelope()).toBe(
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
        '<soap:Body><soap:Fault><faultcode>soap:Client</faultcode>' +
        '<faultstring>not_found: no &lt;such&gt; &amp; "thing"?</faultstring>' +
        '<detail><gh:GatehouseFault xmlns:gh="urn:gatehouse:messaging:v1"><gh:code>not_found</gh:code>' +
        '<gh:message>no &lt;such&gt; &amp; "thing"?</gh:message><gh:retryAfterSeconds>5</gh:retryAfterSeconds>' +
        '</gh:GatehouseFault></detail></soap:Fault></soap:Body></soap:Envelope>',
    );
  });

  it('exposes the shape the soap package serialises as `Fault`', () => {
    expect(SoapFault.client('banned', 'later').Fault).toEqual({
      faultcode: 'soap:Client',
      faultstring: 'banned: later',
      detail: {
        'gh:GatehouseFault': {
          attributes: { 'xmlns:gh': 'urn:gatehouse:messaging:v1' },
          'gh:code': 'banned',
          'gh:message': 'later',
        },
      },
      statusCode: 500,
    });
  });
});
