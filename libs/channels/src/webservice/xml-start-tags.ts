/** The text cannot be read as XML markup at all. */
export class MalformedXml extends Error {}

/** The document has more elements, or nests them deeper, than the scan was allowed to read. */
export class XmlLimitExceeded extends Error {
  constructor(
    readonly limit: 'elements' | 'depth',
    readonly max: number,
  ) {
    super(limit === 'elements' ? `more than ${max} elements` : `elements nested more than ${max} deep`);
  }
}

export interface ScanOptions {
  /** Called for a CDATA section that holds an XML document. */
  onXmlInCdata: () => void;
  /**
   * Most start tags, comments, CDATA sections and processing instructions the scan reads; it
   * throws XmlLimitExceeded on the next one, unread past it.
   */
  maxElements: number;
  /** Most levels of nesting, the root being level 1; a start tag below that throws XmlLimitExceeded. */
  maxDepth: number;
}

export interface StartTag {
  /** As written, prefix included (`soap:Envelope`). */
  name: string;
  /** 0 for the root element. */
  depth: number;
  /** Name and raw (undecoded) value of each attribute, in order. */
  attributes: Array<[string, string]>;
}

// Names are matched loosely (anything up to a delimiter): this scanner only has to find the tags
// and attributes the XML parser will see; the parser itself rejects invalid names afterwards.
const START_TAG = /<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const CDATA_OPEN = '<![CDATA[';

/**
 * Start tags in document order, in one linear pass and without building a tree: what the XML
 * guard inspects before any parser runs. Expects a document without markup declarations (the
 * guard refuses those first). Comments, CDATA sections and processing instructions are skipped
 * where `sax` ends them; a CDATA section holding an XML document is handed to `onXmlInCdata`,
 * because the `soap` package parses such a section as a document of its own. The scan stops at
 * the first start tag past `maxElements` or `maxDepth`, so refusing a flood costs no more than
 * reading up to the cap.
 */
export function* startTags(xml: string, options: ScanOptions): Generator<StartTag> {
  const { onXmlInCdata, maxElements, maxDepth } = options;
  let depth = 0;
  let nodes = 0;
  let i = xml.indexOf('<');
  while (i !== -1) {
    // Comments, CDATA sections and processing instructions count too: the parser behind the guard
    // builds a node for each, so 150 000 empty comments cost it as much as 150 000 elements.
    if (!xml.startsWith('</', i) && ++nodes > maxElements) throw new XmlLimitExceeded('elements', maxElements);
    if (xml.startsWith('<!--', i)) {
      i = skipPast(xml, '-->', i + 4);
    } else if (xml.slice(i, i + CDATA_OPEN.length).toUpperCase() === CDATA_OPEN) {
      const end = skipPast(xml, ']]>', i + CDATA_OPEN.length);
      if (/<\?xml/i.test(xml.slice(i + CDATA_OPEN.length, end))) onXmlInCdata();
      i = end;
    } else if (xml.startsWith('<?', i)) {
      i = skipPast(xml, '?>', i + 2);
    } else if (xml.startsWith('</', i)) {
      i = skipPast(xml, '>', i + 2);
      if (--depth < 0) throw new MalformedXml('an end tag without its start tag');
    } else {
      START_TAG.lastIndex = i;
      const match = START_TAG.exec(xml);
      if (!match) throw new MalformedXml('a start tag that cannot be read');
      if (depth >= maxDepth) throw new XmlLimitExceeded('depth', maxDepth);
      const attributes = [...match[2].matchAll(ATTRIBUTE)].map((a): [string, string] => [a[1], a[2] ?? a[3]]);
      yield { name: match[1], depth, attributes };
      if (match[3] !== '/') depth++;
      i = START_TAG.lastIndex;
    }
    i = xml.indexOf('<', i);
  }
}

function skipPast(xml: string, terminator: string, from: number): number {
  const at = xml.indexOf(terminator, from);
  if (at === -1) throw new MalformedXml(`an unterminated section (no "${terminator}")`);
  return at + terminator.length;
}

export const localName = (name: string): string => name.slice(name.indexOf(':') + 1);
export const prefixOf = (name: string): string => (name.includes(':') ? name.slice(0, name.indexOf(':')) : '');
