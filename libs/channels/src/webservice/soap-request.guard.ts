import type { IncomingHttpHeaders } from 'node:http';
import type { WSDL } from 'soap';
import type { GatehouseConfig } from '@gatehouse/config';
import { MESSAGING_PATH, SOAP_OPERATIONS, SoapOperation, messagingWsdl, soapActionOf } from './messaging.wsdl';
import { SOAP_ENV_NS, SoapFault } from './soap-fault';
import { isRecord } from './soap-fields';
import { MalformedXml, StartTag, XmlLimitExceeded, localName, prefixOf, startTags } from './xml-start-tags';

/**
 * Any markup declaration but comments and CDATA: a DOCTYPE (and with it entity bombs and
 * external entities), ELEMENT, ATTLIST… anywhere, even inside a comment or CDATA section.
 * Case-insensitive, as `sax` reads `<!doctype` too. SOAP 1.1 envelopes never carry one.
 */
const MARKUP_DECLARATION = /<!(?!--|\[CDATA\[)/i;

/** Far more than any real envelope declares; the `soap` parser's cost grows with count × elements. */
const MAX_NAMESPACE_DECLARATIONS = 64;

/**
 * Element count and nesting caps, checked while scanning and before any parser runs: without
 * them a 1 MiB body of 250 000 empty elements (or 120 000 nested ones) kept the `soap` parser
 * busy for most of a second per request, before any login. A SendMessage with a WS-Security
 * header has under 30 elements and nests 5 deep (Envelope/Header/Security/UsernameToken/
 * Password); recipients and groups are one comma-separated element each. 1 000 elements and 32
 * levels leave legacy clients' extra elements ample room while keeping the parse to
 * milliseconds.
 */
export const MAX_ELEMENTS = 1000;
export const MAX_DEPTH = 32;

/** Header entries this service processes; any other with mustUnderstand="1" is refused (SOAP 1.1 §4.2.3). */
const UNDERSTOOD_HEADERS = new Set(['Security']);

const invalid = (code: string, message: string): SoapFault => SoapFault.client(code, message);

/** What the guard needs of an HTTP request, whatever server carried it. */
export interface SoapHttpRequest {
  method: string;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** The body as the body parser left it: text for XML media types. */
  body: unknown;
  /** The port the server accepted the connection on (the default WSDL address when port 0 is configured). */
  localPort?: number;
}

/** The WSDL to serve, or a SOAP call that may go on to the `soap` package (its text is `xml`). */
export type SoapVerdict = { kind: 'wsdl'; wsdl: string } | { kind: 'call'; xml: string; operation: SoapOperation };

/**
 * Everything between the body parser and the `soap` package: serves the WSDL, refuses what is
 * not a plain SOAP 1.1 request of this service — before `soap` parses anything — and hands on
 * the text for it. `soap` answers malformed or unexpected documents with stack text or SOAP 1.2
 * faults, and its parser has costs and side effects an attacker can reach (id/href multiRefs
 * are quadratic and an `id="__proto__"` pollutes Object.prototype), so only documents that pass
 * here, and that its own parser has already read once, reach it. Refusals throw a SoapFault.
 */
export class SoapRequestGuard {
  constructor(
    private readonly wsdl: WSDL,
    private readonly config: Pick<GatehouseConfig, 'publicUrl' | 'host' | 'http'>,
  ) {}

  inspect(req: SoapHttpRequest): SoapVerdict {
    if (req.method === 'GET' || req.method === 'HEAD') return { kind: 'wsdl', wsdl: this.wsdlFor(req) };
    if (req.method !== 'POST') throw methodNotAllowed();
    const operation = this.check(req);
    return { kind: 'call', xml: req.body as string, operation };
  }

  private wsdlFor(req: SoapHttpRequest): string {
    if (!Object.keys(req.query).some((name) => name.toLowerCase() === 'wsdl')) throw methodNotAllowed();
    return messagingWsdl(`${this.publicUrl(req)}${MESSAGING_PATH}`);
  }

  /**
   * GATEHOUSE_PUBLIC_URL, else `http://<host>:<http port>` (DESIGN.md §6); never the request's
   * Host header, which the client controls (a cached or relayed WSDL would send logins there).
   * With port 0 (a free port picked at listen) the port is the one this socket was accepted on.
   */
  private publicUrl(req: SoapHttpRequest): string {
    const { publicUrl, host, http } = this.config;
    if (publicUrl) return publicUrl;
    const port = http.port === 0 ? (req.localPort ?? 0) : http.port;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  private check(req: SoapHttpRequest): SoapOperation {
    const body: unknown = req.body;
    checkMediaType(req.headers['content-type']);
    if (typeof body !== 'string' || body.trim() === '') throw invalid('empty_request', 'the request body is empty');
    // One linear regex pass, bounded by the body limit (~1 ms for 1 MiB of tags).
    if (MARKUP_DECLARATION.test(body)) {
      throw invalid('dtd_not_allowed', 'document type declarations (DOCTYPE, ENTITY) are not allowed');
    }
    const operation = inspectMarkup(body);

    let envelope: unknown;
    try {
      envelope = this.wsdl.xmlToObject(body);
    } catch (err) {
      throw isRecord(err) && isRecord(err.Fault)
        ? invalid('invalid_xml', `the request is not well-formed XML: ${saxMessage(err.Fault.detail)}`)
        : invalid('invalid_envelope', `the ${operation} element could not be read`);
    }
    const header = isRecord(envelope) ? envelope.Header : undefined;
    const refused = misunderstoodHeader(header);
    if (refused) {
      throw new SoapFault(
        'soap:MustUnderstand',
        'must_understand',
        `header ${refused} is not processed by this service`,
      );
    }
    checkSoapAction(req.headers.soapaction, operation);
    return operation;
  }
}

function methodNotAllowed(): SoapFault {
  return SoapFault.client('method_not_allowed', 'POST a SOAP 1.1 envelope here; the WSDL is at ?wsdl', {
    status: 405,
    headers: { Allow: 'POST' },
  });
}

function checkMediaType(contentType: string | undefined): void {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type === undefined || type === 'text/xml' || type === 'application/xml') return;
  throw SoapFault.client(
    'unsupported_media_type',
    type === 'application/soap+xml'
      ? 'SOAP 1.2 is not supported; send a SOAP 1.1 envelope as text/xml'
      : 'send the SOAP 1.1 envelope as text/xml',
    { status: 415 },
  );
}

/** One pass over the start tags: a single SOAP 1.1 Envelope whose one Body holds one known operation. */
function inspectMarkup(xml: string): SoapOperation {
  let root: StartTag | null = null;
  let namespaces = 0;
  let bodies = 0;
  let inBody = false;
  const operations: string[] = [];
  try {
    const tags = startTags(xml, {
      onXmlInCdata: () => {
        throw invalid('unsupported_xml', 'CDATA sections holding an XML document are not accepted');
      },
      maxElements: MAX_ELEMENTS,
      maxDepth: MAX_DEPTH,
    });
    for (const tag of tags) {
      for (const [name] of tag.attributes) {
        const lower = name.toLowerCase();
        if (lower === 'id' || lower === 'href') {
          throw invalid(
            'unsupported_xml',
            'id/href references (SOAP encoding) are not accepted; send document/literal',
          );
        }
        if ((lower === 'xmlns' || lower.startsWith('xmlns:')) && ++namespaces > MAX_NAMESPACE_DECLARATIONS) {
          throw invalid('unsupported_xml', `at most ${MAX_NAMESPACE_DECLARATIONS} namespace declarations are accepted`);
        }
      }
      if (tag.depth === 0) {
        if (root) throw invalid('invalid_xml', 'the request is not well-formed XML: more than one root element');
        root = tag;
        checkEnvelope(tag);
      } else if (tag.depth === 1) {
        inBody = localName(tag.name) === 'Body';
        if (inBody) bodies++;
      } else if (tag.depth === 2 && inBody) {
        operations.push(localName(tag.name));
      }
    }
  } catch (err) {
    if (err instanceof MalformedXml) throw invalid('invalid_xml', `the request is not well-formed XML: ${err.message}`);
    if (err instanceof XmlLimitExceeded) {
      throw err.limit === 'elements'
        ? invalid('too_many_elements', `at most ${err.max} elements (comments and processing instructions included)`)
        : invalid('too_deep', `elements may nest at most ${err.max} deep`);
    }
    throw err;
  }
  if (!root) throw invalid('invalid_xml', 'the request is not well-formed XML: no root element');
  if (bodies !== 1) throw invalid('invalid_envelope', 'the Envelope must hold exactly one Body');
  const [operation] = operations;
  if (operations.length !== 1 || !isOperation(operation)) {
    throw invalid('unknown_operation', `the Body must hold one ${SOAP_OPERATIONS.join(' or ')} element`);
  }
  return operation;
}

/** SOAP 1.1 §4.1.2: another envelope namespace (SOAP 1.2's, say) is a VersionMismatch. */
function checkEnvelope(root: StartTag): void {
  if (localName(root.name) !== 'Envelope') {
    throw invalid('invalid_envelope', 'the root element must be a SOAP 1.1 Envelope');
  }
  const prefix = prefixOf(root.name);
  const declaration = prefix ? `xmlns:${prefix}` : 'xmlns';
  const namespace = root.attributes.find(([name]) => name === declaration)?.[1];
  if (namespace !== SOAP_ENV_NS) {
    throw new SoapFault('soap:VersionMismatch', 'version_mismatch', `the Envelope must be in namespace ${SOAP_ENV_NS}`);
  }
}

const isOperation = (name: string | undefined): name is SoapOperation =>
  (SOAP_OPERATIONS as readonly string[]).includes(name ?? '');

function misunderstoodHeader(header: unknown): string | null {
  if (!isRecord(header)) return null;
  for (const [name, entry] of Object.entries(header)) {
    if (name === 'attributes' || UNDERSTOOD_HEADERS.has(name)) continue;
    for (const item of Array.isArray(entry) ? (entry as unknown[]) : [entry]) {
      const attributes = isRecord(item) && isRecord(item.attributes) ? item.attributes : {};
      const required = Object.entries(attributes).some(
        ([attribute, value]) => localName(attribute) === 'mustUnderstand' && (value === '1' || value === 'true'),
      );
      if (required) return name;
    }
  }
  return null;
}

/** SOAPAction may be empty or name the Body's operation (its full action, or the bare name). */
function checkSoapAction(header: string | string[] | undefined, operation: SoapOperation): void {
  const raw = Array.isArray(header) ? header.join(', ') : (header ?? '');
  // Unquoted the way the `soap` package does it, so both read the same action.
  const action = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  if (action === '' || action === soapActionOf(operation) || action === operation) return;
  throw invalid(
    'soap_action_mismatch',
    `SOAPAction does not match the ${operation} element (expected "${soapActionOf(operation)}")`,
  );
}

/** sax's own description (`Unexpected close tag`), without its position details. */
function saxMessage(detail: unknown): string {
  const text = typeof detail === 'string' ? detail.split('\n')[0].replace(/^Error: /, '') : '';
  return text.slice(0, 200) || 'parse error';
}
