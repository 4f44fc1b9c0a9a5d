/** Allowed-address lists of API keys: CIDR ranges (IPv4 and IPv6) or single addresses. */
import ipaddr from 'ipaddr.js';

/** Parses a CIDR or a single address into its canonical CIDR text; throws a readable Error when invalid. */
export function normalizeCidr(input: string): string {
  const text = input.trim();
  try {
    if (text.includes('/')) {
      const [address, prefix] = ipaddr.parseCIDR(text);
      return `${address.toNormalizedString()}/${prefix}`;
    }
    const address = ipaddr.parse(text);
    return `${address.toNormalizedString()}/${address.kind() === 'ipv4' ? 32 : 128}`;
  } catch {
    throw new Error(`"${text}" is not an IPv4/IPv6 address or CIDR range`);
  }
}

/**
 * True when `ip` is inside one of `cidrs`. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, as Node reports IPv4
 * clients on a dual-stack socket) are compared as IPv4. No address (unknown peer) is never allowed.
 */
export function ipAllowed(ip: string | null, cidrs: readonly string[]): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  return cidrs.some((cidr) => {
    try {
      const range = ipaddr.parseCIDR(cidr);
      return address.kind() === range[0].kind() && address.match(range);
    } catch {
      return false;
    }
  });
}
