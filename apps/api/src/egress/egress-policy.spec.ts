import fc from 'fast-check';
import {
  decideEgress,
  type EgressPolicy,
  egressPolicyOf,
  OPEN_EGRESS,
  parseCidrList,
} from './egress-policy';

const policy = (lists: { allow?: string; deny?: string }): EgressPolicy => egressPolicyOf(lists);
const verdict = (address: string, lists: { allow?: string; deny?: string } = {}) => {
  const decision = decideEgress(address, policy(lists));
  return decision.allowed ? 'allowed' : decision.reason;
};

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.'));
const linkLocalV4 = fc.tuple(octet, octet).map(([c, d]) => `169.254.${c}.${d}`);
const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
const linkLocalV6 = fc
  .tuple(fc.integer({ min: 0xfe80, max: 0xfebf }), fc.array(hextet, { minLength: 7, maxLength: 7 }))
  .map(([first, rest]) => [first.toString(16), ...rest].join(':'));
const cidrV4 = fc
  .tuple(ipv4, fc.integer({ min: 0, max: 32 }))
  .map(([address, bits]) => `${address}/${bits}`);
const cidrList = fc.array(cidrV4, { maxLength: 4 }).map((cidrs) => cidrs.join(','));
const lists = fc.record({ allow: fc.option(cidrList, { nil: undefined }), deny: cidrList });

describe(decideEgress.name, () => {
  it.each([
    // address, lists, verdict
    ['169.254.169.254', {}, 'link_local'],
    ['169.254.0.1', { allow: '169.254.0.0/16' }, 'link_local'],
    ['::ffff:169.254.169.254', {}, 'link_local'],
    ['::ffff:a9fe:a9fe', { allow: '::/0,0.0.0.0/0' }, 'link_local'],
    ['fe80::1', {}, 'link_local'],
    ['fe80::1%eth0', {}, 'link_local'],
    ['febf:ffff::1', { allow: 'fe80::/10' }, 'link_local'],
    ['fd00:ec2::254', { allow: 'fd00::/8' }, 'link_local'],
    ['fd00:ec2::253', {}, 'allowed'],
    ['fec0::1', {}, 'allowed'],
    ['169.253.255.255', {}, 'allowed'],
    ['169.255.0.0', {}, 'allowed'],
    ['93.184.215.14', {}, 'allowed'],
    ['127.0.0.1', {}, 'allowed'],
    ['::1', {}, 'allowed'],
    ['10.1.2.3', { deny: '10.0.0.0/8' }, 'denied'],
    ['11.1.2.3', { deny: '10.0.0.0/8' }, 'allowed'],
    ['::ffff:10.1.2.3', { deny: '10.0.0.0/8' }, 'denied'],
    ['10.1.2.3', { deny: '::ffff:10.0.0.0/104' }, 'denied'],
    ['10.1.2.3', { deny: '10.1.2.3' }, 'denied'],
    ['10.1.2.4', { deny: '10.1.2.3' }, 'allowed'],
    ['2001:db8::1', { deny: '2001:db8::/32' }, 'denied'],
    ['2001:db9::1', { deny: '2001:db8::/32' }, 'allowed'],
    ['10.1.2.3', { deny: '::/0' }, 'allowed'],
    ['10.1.2.3', { allow: '10.0.0.0/8', deny: '10.1.0.0/16' }, 'denied'],
    ['10.2.0.1', { allow: '10.0.0.0/8', deny: '10.1.0.0/16' }, 'allowed'],
    ['192.168.1.1', { allow: '10.0.0.0/8' }, 'not_allowed'],
    ['2001:db8::1', { allow: '10.0.0.0/8' }, 'not_allowed'],
    ['::ffff:10.0.0.1', { allow: '10.0.0.0/8' }, 'allowed'],
    ['10.0.0.1', { allow: '' }, 'not_allowed'],
    // The unspecified address connects to this host: it must pass as loopback too.
    ['0.0.0.0', {}, 'allowed'],
    ['0.0.0.0', { deny: '127.0.0.0/8' }, 'denied'],
    ['0.0.0.0', { deny: '0.0.0.0/8' }, 'denied'],
    ['::', { deny: '::1' }, 'denied'],
    ['::ffff:0.0.0.0', { allow: '10.0.0.0/8' }, 'not_allowed'],
    ['0.0.0.0', { allow: '127.0.0.1' }, 'not_allowed'],
    ['0.0.0.0', { allow: '0.0.0.0/8,127.0.0.1' }, 'allowed'],
  ])('judges %s with %j: %s', (address, lists, expected) => {
    expect(verdict(address, lists)).toBe(expected);
  });

  it('refuses any address in 169.254.0.0/16, in either form, whatever the lists say', () => {
    fc.assert(
      fc.property(linkLocalV4, lists, (address, given) => {
        expect(verdict(address, given)).toBe('link_local');
        expect(verdict(`::ffff:${address}`, given)).toBe('link_local');
      }),
    );
  });

  it('refuses any address in fe80::/10 whatever the lists say', () => {
    fc.assert(
      fc.property(linkLocalV6, lists, (address, given) => {
        expect(verdict(address, given)).toBe('link_local');
      }),
    );
  });

  it('allows every other IPv4 address when no list is set', () => {
    fc.assert(
      fc.property(ipv4, (address) => {
        fc.pre(!address.startsWith('169.254.'));
        expect(decideEgress(address, OPEN_EGRESS)).toEqual({ allowed: true });
      }),
    );
  });

  it('allows exactly what is in the allow list and not in the deny list', () => {
    fc.assert(
      fc.property(ipv4, cidrList, cidrList, (address, allow, deny) => {
        fc.pre(!address.startsWith('169.254.'));
        const isAllowed = verdict(address, { allow, deny }) === 'allowed';
        const isDenied = verdict(address, { deny }) === 'denied';
        const isListed = verdict(address, { allow }) === 'allowed';
        expect(isAllowed).toBe(isListed && !isDenied);
      }),
    );
  });

  it('judges an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    fc.assert(
      fc.property(ipv4, lists, (address, given) => {
        expect(verdict(`::ffff:${address}`, given)).toBe(verdict(address, given));
      }),
    );
  });

  it('refuses every address of a deny list, whatever the allow list', () => {
    fc.assert(
      fc.property(ipv4, fc.option(cidrList, { nil: undefined }), (address, allow) => {
        expect(verdict(address, { allow, deny: address })).not.toBe('allowed');
      }),
    );
  });
});

describe(parseCidrList.name, () => {
  it('reads IPv4 and IPv6 ranges and bare addresses, spaces and empty entries aside', () => {
    const sut = parseCidrList(' 10.0.0.0/8, fd00::/8 ,, 192.0.2.1,::1 ,');
    expect(sut.ok).toBe(true);
    const ranges = sut.ok
      ? sut.cidrs.map(([address, bits]) => `${address.toString()}/${bits}`)
      : [];
    expect(ranges).toEqual(['10.0.0.0/8', 'fd00::/8', '192.0.2.1/32', '::1/128']);
  });

  it('reads an IPv4-mapped range as the IPv4 range', () => {
    const sut = parseCidrList('::ffff:10.0.0.0/104');
    expect(sut.ok && sut.cidrs.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual([
      '10.0.0.0/8',
    ]);
  });

  it.each([
    '10.0.0.0/33',
    '10.1/16',
    '0x0a.0.0.0/8',
    'fd00::/129',
    'example.com',
    '10.0.0.0/',
    '/8',
  ])('names the malformed entry %s', (entry) => {
    expect(parseCidrList(`192.0.2.0/24,${entry}`)).toEqual({ ok: false, invalid: entry });
  });

  it('reads an empty list as no range', () => {
    expect(parseCidrList('')).toEqual({ ok: true, cidrs: [] });
  });
});
