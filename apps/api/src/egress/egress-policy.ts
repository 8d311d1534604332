import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A range of addresses: an address and the length of the prefix that counts. */
export type Cidr = [Address, number];

/** Where the worker may connect, beyond what is always refused. */
export interface EgressPolicy {
  /** Only addresses in these ranges may be reached; null: any address not refused otherwise. */
  allow: readonly Cidr[] | null;
  deny: readonly Cidr[];
}

export const OPEN_EGRESS: EgressPolicy = { allow: null, deny: [] };

/**
 * Why an address is refused: `link_local` (link-local and cloud metadata, refused whatever the
 * lists say), `denied` (in the deny list), `not_allowed` (an allow list is set, without it).
 */
export type EgressRefusal = 'link_local' | 'denied' | 'not_allowed';

export type EgressDecision = { allowed: true } | { allowed: false; reason: EgressRefusal };

// Cloud metadata services answer on link-local addresses (169.254.169.254, and AWS's IPv6 one
// in a unique-local range); they hand out the host's credentials to whoever asks.
const ALWAYS_REFUSED = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128'].map((text) =>
  ipaddr.parseCIDR(text),
);

const LOOPBACK = { ipv4: ipaddr.parse('127.0.0.1'), ipv6: ipaddr.parse('::1') };

/** Decides whether the worker may connect to `address` (an IPv4 or IPv6 address). */
export function decideEgress(address: string, policy: EgressPolicy): EgressDecision {
  const target = unmapped(ipaddr.parse(address));
  // Connecting to the unspecified address (0.0.0.0, ::) reaches this host (Linux, macOS): it
  // must also pass as loopback.
  const judged = target.range() === 'unspecified' ? [target, LOOPBACK[target.kind()]] : [target];
  for (const candidate of judged) {
    const reason = refusalOf(candidate, policy);
    if (reason !== null) {
      return { allowed: false, reason };
    }
  }
  return { allowed: true };
}

function refusalOf(address: Address, policy: EgressPolicy): EgressRefusal | null {
  if (isInAny(address, ALWAYS_REFUSED)) {
    return 'link_local';
  }
  if (isInAny(address, policy.deny)) {
    return 'denied';
  }
  if (policy.allow !== null && !isInAny(address, policy.allow)) {
    return 'not_allowed';
  }
  return null;
}

export type CidrListParse = { ok: true; cidrs: Cidr[] } | { ok: false; invalid: string };

/**
 * Reads a comma-separated list of CIDR ranges (`10.0.0.0/8, fd00::/8`); a bare address stands
 * for itself alone. IPv4 must be written in four decimal parts: `10.1/16` is refused rather than
 * read the way inet_aton would (as 10.0.0.1/16).
 */
export function parseCidrList(text: string): CidrListParse {
  const cidrs: Cidr[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') {
      continue;
    }
    const cidr = parseCidr(entry);
    if (cidr === null) {
      return { ok: false, invalid: entry };
    }
    cidrs.push(cidr);
  }
  return { ok: true, cidrs };
}

/** The policy of the configured lists (validated at boot: a malformed one throws here). */
export function egressPolicyOf(lists: { allow?: string; deny?: string }): EgressPolicy {
  return {
    allow: lists.allow === undefined ? null : cidrsOf(lists.allow),
    deny: lists.deny === undefined ? [] : cidrsOf(lists.deny),
  };
}

function cidrsOf(text: string): Cidr[] {
  const parsed = parseCidrList(text);
  if (!parsed.ok) {
    throw new Error(`Not a CIDR range: ${parsed.invalid}`);
  }
  return parsed.cidrs;
}

function parseCidr(entry: string): Cidr | null {
  const text = entry.includes('/') ? entry : `${entry}/${entry.includes(':') ? 128 : 32}`;
  const isValid = text.includes(':')
    ? ipaddr.IPv6.isValidCIDR(text)
    : ipaddr.IPv4.isValidCIDRFourPartDecimal(text);
  return isValid ? unmappedCidr(ipaddr.parseCIDR(text)) : null;
}

// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is a connection to the IPv4 address it carries,
// so it is judged as that address; ranges written in that form are read the same way.
function unmapped(address: Address): Address {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()
    ? address.toIPv4Address()
    : address;
}

function unmappedCidr([address, bits]: Cidr): Cidr {
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && bits >= 96) {
    return [address.toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

function isInAny(address: Address, ranges: readonly Cidr[]): boolean {
  return ranges.some(
    ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
  );
}
