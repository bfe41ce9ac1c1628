import { MalformedXml, StartTag, startTags } from './xml-start-tags';

const scan = (xml: string, onXmlInCdata = () => undefined): StartTag[] => [...startTags(xml, onXmlInCdata)];

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
    scan('<a><![cdata[<?xml version="1.0"?><b/>]]></a>', seen);
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
});
