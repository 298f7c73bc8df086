/**
 * The subject a public request is counted as, from Cloudflare's `CF-Connecting-IP`: an IPv4
 * address as is; an IPv6 address by its /64 (one customer line or host usually owns a whole /64,
 * so counting single addresses would give it 2^64 buckets), whatever way it is written; an
 * IPv4-mapped IPv6 address as its IPv4. A request without the header, or with one that is not an
 * IP address, did not come through Cloudflare's edge the normal way: all of those share one
 * stricter bucket (see rules.ts) rather than each getting a fresh one.
 */

export const UNIDENTIFIED_SUBJECT = 'ip:unidentified';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-f]{1,4}$/;

/** The eight hextets of an IPv6 address (an embedded dotted IPv4 tail counts as two), or null. */
function ipv6Hextets(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (half: string, isEnd: boolean): number[] | null => {
    if (half === '') return [];
    const groups = half.split(':');
    const out: number[] = [];
    for (const [index, group] of groups.entries()) {
      if (isEnd && index === groups.length - 1 && IPV4.test(group)) {
        const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (HEXTET.test(group)) {
        out.push(parseInt(group, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = parse(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parse(halves[1]!, true) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}

export function clientIpSubject(header: string | undefined): string {
  const text = header?.trim().toLowerCase() ?? '';
  if (text.length > 45) return UNIDENTIFIED_SUBJECT;
  if (IPV4.test(text)) return `ip4:${text}`;
  const hextets = text.includes(':') ? ipv6Hextets(text) : null;
  if (!hextets) return UNIDENTIFIED_SUBJECT;
  const [h0, h1, h2, h3, h4, h5, h6, h7] = hextets as [number, number, number, number, number, number, number, number];
  if (h0 === 0 && h1 === 0 && h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0xffff) {
    return `ip4:${h6 >> 8}.${h6 & 0xff}.${h7 >> 8}.${h7 & 0xff}`;
  }
  return `ip6:${[h0, h1, h2, h3].map((hextet) => hextet.toString(16)).join(':')}`;
}
