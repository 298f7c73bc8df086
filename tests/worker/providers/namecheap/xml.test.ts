/** The small XML parser used for Namecheap's answers: what it reads, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { childElement, childElements, parseXml, XmlError } from '../../../../worker/providers/namecheap/xml';

describe('parseXml reads', () => {
  it("Namecheap's documented check answer", () => {
    const root = parseXml(`<?xml version="1.0" encoding="utf-8"?>
<ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response">
  <Errors />
  <RequestedCommand>namecheap.domains.check</RequestedCommand>
  <CommandResponse Type="namecheap.domains.check">
    <DomainCheckResult Domain="domain1.com" Available="true" />
    <DomainCheckResult Domain="availabledomain.com" Available="false" />
  </CommandResponse>
  <Server>SERVER-NAME</Server>
</ApiResponse>`);
    expect(root.name).toBe('ApiResponse');
    expect(root.attributes).toEqual({ Status: 'OK', xmlns: 'http://api.namecheap.com/xml.response' });
    expect(childElement(root, 'RequestedCommand')?.text).toBe('namecheap.domains.check');
    const results = childElements(childElement(root, 'CommandResponse')!, 'DomainCheckResult');
    expect(results.map((result) => [result.attributes.Domain, result.attributes.Available])).toEqual([
      ['domain1.com', 'true'],
      ['availabledomain.com', 'false'],
    ]);
    expect(childElement(root, 'Errors')?.children).toEqual([]);
  });

  it('entities, character references, CDATA and comments', () => {
    const root = parseXml(
      `<a t='&lt;&amp;&quot;&apos;&gt;' n="&#65;&#x645;"><!-- skip <b> -->x &amp; y<![CDATA[<raw & text>]]>&#x1F600;</a>`,
    );
    expect(root.attributes).toEqual({ t: `<&"'>`, n: 'Aم' });
    expect(root.text).toBe('x & y<raw & text>😀');
  });

  it('Arabic text, a byte-order mark and single-quoted attributes', () => {
    const root = parseXml(`\uFEFF<Error Number='1011150'>عنوان IP غير مسموح</Error>`);
    expect(root).toMatchObject({ name: 'Error', attributes: { Number: '1011150' }, text: 'عنوان IP غير مسموح' });
  });

  it('an attribute named __proto__ as plain data', () => {
    const root = parseXml('<a __proto__="x" constructor="y"/>');
    expect(root.attributes.__proto__).toBe('x');
    expect(Object.keys(root.attributes)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('parseXml refuses', () => {
  it.each([
    ['an empty body', ''],
    ['plain text', 'Service Unavailable'],
    ['an HTML page cut short', '<html><body><h1>502</h1>'],
    ['a truncated answer', '<ApiResponse Status="OK"><CommandResponse><DomainCheckResult Domain="'],
    ['a mismatched end tag', '<a><b></a></b>'],
    ['an end tag with nothing open', '</a>'],
    ['two root elements', '<a/><b/>'],
    ['text after the root', '<a/>trailing'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a reference to NUL', '<a>&#0;</a>'],
    ['a DOCTYPE (no entity expansion)', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['a duplicate attribute', '<a x="1" x="2"/>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['attributes without a space between', '<a x="1"y="2"/>'],
    ['< in an attribute', '<a x="<"/>'],
    ['an unterminated comment', '<a><!-- never closed</a>'],
    ['nesting deeper than 64', `${'<a>'.repeat(65)}${'</a>'.repeat(65)}`],
  ])('%s', (_why, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
  });
});
