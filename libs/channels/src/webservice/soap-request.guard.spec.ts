import type { WSDL } from 'soap';
import type { GatehouseConfig } from '@gatehouse/config';
import { toSoapFault } from './soap-fault';
import { MAX_DEPTH, MAX_ELEMENTS, SoapHttpRequest, SoapRequestGuard } from './soap-request.guard';

const ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS = 'urn:gatehouse:messaging:v1';

/** `inner` goes inside SendMessage: Envelope, Body and SendMessage make 3 elements and 3 levels. */
const envelope = (inner: string): string =>
  `<soap:Envelope xmlns:soap="${ENV_NS}" xmlns:m="${NS}"><soap:Body><m:SendMessage>${inner}</m:SendMessage></soap:Body></soap:Envelope>`;

type Config = Pick<GatehouseConfig, 'publicUrl' | 'host' | 'http'>;
const defaults: Config = {
  publicUrl: null,
  host: '127.0.0.1',
  http: { port: 8080, trustedProxies: [], bodyLimitBytes: 1024 * 1024 },
};

interface Answer {
  status?: number;
  body?: string;
  passed: boolean;
}

function setup(config: Partial<Config> = {}) {
  // Only reached by documents the guard lets through; an empty envelope has no headers to refuse.
  const xmlToObject = jest.fn(() => ({ Body: {} }));
  const guard = new SoapRequestGuard({ xmlToObject } as unknown as WSDL, { ...defaults, ...config });

  const call = (req: Partial<SoapHttpRequest>): Answer => {
    try {
      const verdict = guard.inspect({ method: 'GET', headers: {}, query: {}, body: undefined, ...req });
      return verdict.kind === 'wsdl' ? { passed: false, status: 200, body: verdict.wsdl } : { passed: true };
    } catch (err) {
      const fault = toSoapFault(err);
      return { passed: false, status: fault.status, body: fault.toEnvelope() };
    }
  };
  const post = (body: string) => call({ method: 'POST', body, headers: { 'content-type': 'text/xml' } });
  const wsdlLocation = (req: Partial<SoapHttpRequest> = {}) =>
    /<soap:address location="([^"]*)"\/>/.exec(call({ method: 'GET', query: { wsdl: '' }, ...req }).body ?? '')?.[1];
  return { xmlToObject, post, wsdlLocation };
}

const faultCode = (answer: Answer) => /<gh:code>([^<]+)<\/gh:code>/.exec(answer.body ?? '')?.[1];

describe('SoapRequestGuard', () => {
  describe('element and depth caps, before any parser runs', () => {
    it(`passes an envelope of exactly ${MAX_ELEMENTS} elements nested ${MAX_DEPTH} deep to the parser`, () => {
      const { xmlToObject, post } = setup();
      const nested = `${'<m:n>'.repeat(MAX_DEPTH - 3)}${'</m:n>'.repeat(MAX_DEPTH - 3)}`;
      const flat = '<m:x/>'.repeat(MAX_ELEMENTS - 3 - (MAX_DEPTH - 3));
      const answer = post(envelope(nested + flat));
      expect(answer).toEqual({ passed: true });
      expect(xmlToObject).toHaveBeenCalledTimes(1);
    });

    it('refuses one element more with too_many_elements, and 250 000 of them, without parsing', () => {
      const { xmlToObject, post } = setup();
      for (const count of [MAX_ELEMENTS - 2, 250_000]) {
        const answer = post(envelope('<m:x/>'.repeat(count)));
        expect(answer).toMatchObject({ passed: false, status: 500 });
        expect(faultCode(answer)).toBe('too_many_elements');
        expect(answer.body).toContain(`<faultcode>soap:Client</faultcode>`);
        expect(answer.body).toContain(`too_many_elements: at most ${MAX_ELEMENTS} elements`);
      }
      expect(xmlToObject).not.toHaveBeenCalled();
    });

    it('refuses nesting one level deeper with too_deep, and 120 000 levels, without parsing', () => {
      const { xmlToObject, post } = setup();
      for (const levels of [MAX_DEPTH - 2, 120_000]) {
        const answer = post(envelope(`${'<m:n>'.repeat(levels)}${'</m:n>'.repeat(levels)}`));
        expect(answer).toMatchObject({ passed: false, status: 500 });
        expect(faultCode(answer)).toBe('too_deep');
        expect(answer.body).toContain(`too_deep: elements may nest at most ${MAX_DEPTH} deep`);
      }
      expect(xmlToObject).not.toHaveBeenCalled();
    });

    it('still refuses a DTD first, whatever follows it', () => {
      const { post } = setup();
      expect(faultCode(post(`<!DOCTYPE x>${envelope('<m:x/>'.repeat(5000))}`))).toBe('dtd_not_allowed');
    });
  });

  describe('the WSDL address', () => {
    const localPort = 43210;

    it('is GATEHOUSE_PUBLIC_URL when set, whatever the Host header says', () => {
      const { wsdlLocation } = setup({ publicUrl: 'https://gw.example.com/base' });
      expect(wsdlLocation({ headers: { host: 'evil.example' }, localPort })).toBe(
        'https://gw.example.com/base/ws/messaging',
      );
    });

    it('is http://<host>:<http port> from the config otherwise, never the Host header', () => {
      expect(setup().wsdlLocation({ headers: { host: 'evil.example:8080' }, localPort })).toBe(
        'http://127.0.0.1:8080/ws/messaging',
      );
      expect(setup({ host: '::1' }).wsdlLocation({ headers: { host: 'evil.example' }, localPort })).toBe(
        'http://[::1]:8080/ws/messaging',
      );
    });

    it('names the port the server accepted the connection on when configured with port 0', () => {
      const { wsdlLocation } = setup({ http: { ...defaults.http, port: 0 } });
      expect(wsdlLocation({ headers: { host: 'evil.example:1' }, localPort })).toBe(
        'http://127.0.0.1:43210/ws/messaging',
      );
    });
  });
});
