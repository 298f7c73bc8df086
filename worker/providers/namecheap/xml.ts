/**
 * A small XML parser for provider answers (workerd has no DOMParser): elements, attributes, text,
 * CDATA, comments, processing instructions and the predefined and numeric entities. DOCTYPE is
 * refused, so no entity can expand. Anything else that is not well-formed throws XmlError.
 */

export interface XmlElement {
  name: string;
  /** Null-prototype record: attribute names cannot reach Object.prototype. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (children's text excluded), entities decoded, not trimmed. */
  text: string;
}

export class XmlError extends Error {
  override readonly name = 'XmlError';
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][\w.:\-\u00B7\u00C0-\uFFFF]*/y;
const SPACE = /[ \t\r\n]*/y;
const ENTITY = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));|&/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const MAX_DEPTH = 64;

function decode(raw: string): string {
  return raw.replace(ENTITY, (whole, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return NAMED[named]!;
    if (hex === undefined && dec === undefined) throw new XmlError('bare & in text or attribute');
    const code = hex === undefined ? Number(dec) : Number.parseInt(hex, 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new XmlError(`invalid character reference ${whole}`);
    return String.fromCodePoint(code);
  });
}

export function parseXml(source: string): XmlElement {
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const readName = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(source);
    if (!match) throw new XmlError(`name expected at ${pos}`);
    pos += match[0].length;
    return match[0];
  };
  const skipSpace = (): boolean => {
    SPACE.lastIndex = pos;
    const length = SPACE.exec(source)![0].length;
    pos += length;
    return length > 0;
  };
  const skipPast = (terminator: string, what: string): string => {
    const end = source.indexOf(terminator, pos);
    if (end === -1) throw new XmlError(`unterminated ${what}`);
    const inner = source.slice(pos, end);
    pos = end + terminator.length;
    return inner;
  };
  const addText = (text: string) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.text += text;
    else if (text.trim() !== '') throw new XmlError('text outside the root element');
  };

  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > pos) {
      const raw = source.slice(pos, textEnd);
      if (raw.includes(']]>')) throw new XmlError(']]> in text');
      addText(decode(raw));
    }
    if (lt === -1) break;
    pos = lt;
    if (source.startsWith('<?', pos)) {
      pos += 2;
      skipPast('?>', 'processing instruction');
    } else if (source.startsWith('<!--', pos)) {
      pos += 4;
      skipPast('-->', 'comment');
    } else if (source.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) throw new XmlError('CDATA outside the root element');
      pos += 9;
      addText(skipPast(']]>', 'CDATA section'));
    } else if (source.startsWith('<!', pos)) {
      throw new XmlError('DOCTYPE and other declarations are not accepted');
    } else if (source.startsWith('</', pos)) {
      pos += 2;
      const name = readName();
      skipSpace();
      if (source[pos] !== '>') throw new XmlError(`> expected at ${pos}`);
      pos += 1;
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlError(`</${name}> does not close ${open ? `<${open.name}>` : 'anything'}`);
    } else {
      pos += 1;
      const element: XmlElement = { name: readName(), attributes: Object.create(null) as Record<string, string>, children: [], text: '' };
      let selfClosing = false;
      for (;;) {
        const spaced = skipSpace();
        if (source.startsWith('/>', pos)) {
          pos += 2;
          selfClosing = true;
          break;
        }
        if (source[pos] === '>') {
          pos += 1;
          break;
        }
        if (!spaced) throw new XmlError(`space, > or /> expected at ${pos}`);
        const attribute = readName();
        skipSpace();
        if (source[pos] !== '=') throw new XmlError(`= expected at ${pos}`);
        pos += 1;
        skipSpace();
        const quote = source[pos];
        if (quote !== '"' && quote !== "'") throw new XmlError(`quoted value expected at ${pos}`);
        pos += 1;
        const value = skipPast(quote, 'attribute value');
        if (value.includes('<')) throw new XmlError('< in attribute value');
        if (attribute in element.attributes) throw new XmlError(`duplicate attribute ${attribute}`);
        element.attributes[attribute] = decode(value);
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) throw new XmlError('more than one root element');
      else root = element;
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) throw new XmlError('elements nested too deep');
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}
