// The network indicators of incidents (IPs, CIDRs, URLs, domains) as something a socket's remote address is checked against.
import { BlockList, isIP } from 'node:net';

/** One indicator a live connection can be matched with, as the IOC file wrote it. */
export interface NetworkIndicator {
  /** As written in the IOC file (`142.11.206.73`, `10.0.0.0/8`, `http://sfrclak.com:8000/x`). */
  text: string;
  incident: string;
}

export interface NetworkIndicators {
  /** Addresses and ranges that can be checked, each with the indicator it came from and its one-range block list. */
  checkable: { indicator: NetworkIndicator; family: 'ipv4' | 'ipv6'; address: string; prefix: number; block: BlockList }[];
  /** Domains nobody resolved for us: never checked, never pretended to be. */
  unresolved: NetworkIndicator[];
}

/** The host of an indicator: a URL's host, a bare host, `host:port`; undefined when it is no network indicator at all. */
export function indicatorHost(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    try {
      return new URL(t).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return undefined;
    }
  }
  if (isIP(t)) return t;
  const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/i.exec(t);
  if (cidr && isIP(cidr[1]!)) return t;
  const hostPort = /^(\[[0-9a-f:.]+\]|[^:/\s]+):(\d{1,5})$/i.exec(t);
  if (hostPort) return hostPort[1]!.replace(/^\[|\]$/g, '');
  // A domain: letters, digits, hyphens and dots, with at least one dot and a letter in its last label.
  if (/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i.test(t)) return t.toLowerCase();
  return undefined;
}

/** The compressed, lower-case form of an IPv6 address (WHATWG's serialisation, which follows RFC 5952's zero compression). */
export function canonicalIpv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.replace(/^\[|\]$/g, '');
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, `::ffff:102:304`) is the IPv4 address it maps. */
export function canonicalAddress(address: string): { family: 'ipv4' | 'ipv6'; address: string } | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v = isIP(bare);
  if (v === 4) return { family: 'ipv4', address: bare };
  if (v !== 6) return undefined;
  const canon = canonicalIpv6(bare);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canon);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return { family: 'ipv4', address: [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.') };
  }
  return { family: 'ipv6', address: canon };
}

/**
 * Sorts each incident's indicators into checkable addresses and unresolved domains. `resolve` maps a domain to the
 * addresses the user looked up themselves; sbom-hunt never resolves a C2 domain (a lookup can tip off its owner).
 */
export function networkIndicators(
  incidents: readonly { id: string; indicators: readonly string[] }[],
  resolve: ReadonlyMap<string, readonly string[]> = new Map(),
): NetworkIndicators {
  const out: NetworkIndicators = { checkable: [], unresolved: [] };
  for (const incident of incidents) {
    for (const text of incident.indicators) {
      const host = indicatorHost(text);
      if (host === undefined) continue;
      const indicator = { text, incident: incident.id };
      const addresses = isIP(host) || host.includes('/') ? [host] : resolve.get(host);
      if (!addresses) {
        out.unresolved.push(indicator);
        continue;
      }
      for (const a of addresses) {
        const [addr = '', bits] = a.split('/');
        const canon = canonicalAddress(addr);
        if (!canon) continue;
        const max = canon.family === 'ipv4' ? 32 : 128;
        const prefix = bits === undefined ? max : Number(bits);
        if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) continue;
        const block = new BlockList();
        block.addSubnet(canon.address, prefix, canon.family);
        out.checkable.push({ indicator, ...canon, prefix, block });
      }
    }
  }
  return out;
}

/** The indicators a remote address falls in (exact address or inside a range). */
export function indicatorsFor(remote: string, set: NetworkIndicators): NetworkIndicator[] {
  const canon = canonicalAddress(remote);
  if (!canon) return [];
  const hits: NetworkIndicator[] = [];
  for (const c of set.checkable) if (c.family === canon.family && c.block.check(canon.address, canon.family)) hits.push(c.indicator);
  return hits;
}

/** `--resolve DOMAIN=IP[,IP...]` (repeatable) -> a lookup table; a bad entry is the user's mistake, named. */
export function parseResolve(entries: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of entries) {
    const m = /^([^=\s]+)=(.+)$/.exec(e.trim());
    const addrs = m ? m[2]!.split(',').map((a) => a.trim()) : [];
    if (!m || addrs.some((a) => !canonicalAddress(a.split('/')[0] ?? ''))) {
      throw new Error(`--resolve ${JSON.stringify(e)}: expected DOMAIN=IP[,IP...]`);
    }
    out.set(m[1]!.toLowerCase(), [...(out.get(m[1]!.toLowerCase()) ?? []), ...addrs]);
  }
  return out;
}
