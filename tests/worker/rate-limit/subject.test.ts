/** Who a public request is counted as: IPv4 as is, IPv6 by its /64, no or a broken IP as one class. */
import { describe, expect, it } from 'vitest';
import { clientIpSubject, UNIDENTIFIED_SUBJECT } from '../../../worker/rate-limit/subject';

describe('clientIpSubject', () => {
  it('groups the addresses of one IPv6 /64, however they are written', () => {
    const subjects = [
      '2001:db8::1',
      '2001:db8:0:0:ffff::2',
      '2001:0DB8:0000:0000:0000:0000:0000:0003',
      '2001:db8::',
      '2001:db8:0:0:1:2:3:4',
    ].map(clientIpSubject);
    expect(new Set(subjects).size).toBe(1);
    expect(subjects[0]).toBe('ip6:2001:db8:0:0');
  });

  it('keeps different /64s apart', () => {
    expect(clientIpSubject('2001:db8:0:1::1')).not.toBe(clientIpSubject('2001:db8::1'));
    expect(clientIpSubject('2001:db8:1::1')).not.toBe(clientIpSubject('2001:db8::1'));
    expect(clientIpSubject('::1')).toBe('ip6:0:0:0:0');
  });

  it('counts IPv4 per address, also when written as an IPv4-mapped IPv6 address', () => {
    expect(clientIpSubject('192.0.2.1')).toBe('ip4:192.0.2.1');
    expect(clientIpSubject('::ffff:192.0.2.1')).toBe('ip4:192.0.2.1');
    expect(clientIpSubject('::FFFF:c000:0201')).toBe('ip4:192.0.2.1');
    expect(clientIpSubject('192.0.2.2')).not.toBe(clientIpSubject('192.0.2.1'));
  });

  it.each([
    undefined,
    '',
    '   ',
    'unknown',
    '1.2.3',
    '1.2.3.256',
    '01.2.3.4',
    '1.2.3.4.5',
    ':::',
    '2001:db8::1::2',
    '2001:db8:0:0:0:0:0:0:1',
    '2001:db8:0:0:0:0:0',
    'fe80::1%eth0',
    '1.2.3.4::1',
    '12345::1',
    'g::1',
    '2001:db8::1, 192.0.2.1',
    '1'.repeat(10_000),
  ])('puts %j in the one shared unidentified class', (header) => {
    expect(clientIpSubject(header)).toBe(UNIDENTIFIED_SUBJECT);
  });
});
