import { MalformedXml, ScanOptions, StartTag, XmlLimitExceeded, startTags } from './xml-start-tags';

const scan = (xml: string, options: Partial<ScanOptions> = {}): StartTag[] => [
  ...startTags(xml, { onXmlInCdata: () => undefined, maxElements: Infinity, maxDepth: Infinity, ...options }),
];

/** The tags read before the scan threw, and what it threw. */
function scanUntilThrown(xml: string, options: Partial<ScanOptions>): { read: number; error: unknown } {
  let read = 0;
  try {
    for (const _tag of startTags(xml, {
      onXmlInCdata: () => undefined,
      maxElements: Infinity,
      maxDepth: Infinity,
      ...options,
    })) {
      read++;
    }
  } catch (error) {
    return { read, error };
  }
  throw new Error(`the scan read all ${read} tags without throwing`);
}

describe('startTags', () => {
  it('yields start tags with depth and raw attributes, skipping comments, PIs, CDATA and text', () => {
    const xml =
      '<?xml version="1.0"?><!-- <fake a="1"> --><a:Root xmlns:a="urn:x" b = \'q>"\'>' +
      'text > more<c/><d x="<not a tag>"><![CDATA[<e id="1">]]></d></a:Root>';
    expect(scan(xml)).toEqual([
      {
        name: 'a:Root',
        depth: 0,
        attributes: [
          ['xmlns:a', 'urn:x'],
          ['b', 'q>"'],
        ],
      },
      { name: 'c', depth: 1, attributes: [] },
      { name: 'd', depth: 1, attributes: [['x', '<not a tag>']] },
    ]);
  });

  it('reports a CDATA section that holds an XML document', () => {
    const seen = jest.fn();
    scan('<a><![cdata[<?xml version="1.0"?><b/>]]></a>', { onXmlInCdata: seen });
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it.each(['<a', '<a b></a>', '<a b=c/>', '</a>', '<a><!-- open', '< a/>'])('throws MalformedXml for %p', (xml) => {
    expect(() => scan(xml)).toThrow(MalformedXml);
  });

  it('stays linear on hostile input', () => {
    const started = Date.now();
    expect(() => scan(`<a${' b="1"'.repeat(150_000)}`)).toThrow(MalformedXml);
    expect(scan('<a/>'.repeat(200_000))).toHaveLength(200_000);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  describe('caps', () => {
    it('reads up to maxElements start tags, and stops at the next one without reading past it', () => {
      expect(scan(`<r>${'<a/>'.repeat(9)}</r>`, { maxElements: 10 })).toHaveLength(10);
      // The trailing "<" would be MalformedXml if the scan went on after the 11th tag.
      const { read, error } = scanUntilThrown(`<r>${'<a/>'.repeat(10)}<a/><`, { maxElements: 10 });
      expect(read).toBe(10);
      expect(error).toBeInstanceOf(XmlLimitExceeded);
      expect(error).toMatchObject({ limit: 'elements', max: 10 });
    });

    it('accepts maxDepth levels of nesting (the root is level 1) and stops at the first tag below', () => {
      expect(scan(`${'<a>'.repeat(3)}${'</a>'.repeat(3)}`, { maxDepth: 3 })).toHaveLength(3);
      expect(scan('<a><b><c/></b><b/></a>', { maxDepth: 3 })).toHaveLength(4);
      for (const xml of [`${'<a>'.repeat(4)}<`, '<a><b><c><d/></c></b></a><']) {
        const { read, error } = scanUntilThrown(xml, { maxDepth: 3 });
        expect(read).toBe(3);
        expect(error).toMatchObject({ limit: 'depth', max: 3 });
      }
    });

    it('stops a 250 000-element or 120 000-deep flood at the cap', () => {
      const caps = { maxElements: 1000, maxDepth: 32 };
      expect(scanUntilThrown(`<r>${'<a/>'.repeat(250_000)}</r>`, caps)).toEqual({
        read: 1000,
        error: expect.objectContaining({ limit: 'elements' }),
      });
      expect(scanUntilThrown(`${'<a>'.repeat(120_000)}${'</a>'.repeat(120_000)}`, caps)).toEqual({
        read: 32,
        error: expect.objectContaining({ limit: 'depth' }),
      });
    });
  });
});
