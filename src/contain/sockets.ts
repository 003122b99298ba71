// Established TCP connections of a pod, from `ss -tnp` output or the kernel's /proc/net/tcp and /proc/net/tcp6 tables.
import { canonicalIpv6 } from './network.js';

export interface Connection {
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  /** `ss -p`: the process holding the socket, as ss prints it (`users:(("node",pid=1,fd=20))`). */
  process?: string;
}

export interface ParsedConnections {
  connections: Connection[];
  /** Lines that could not be read: a table with any is not trusted as complete. */
  unreadable: string[];
}

const SS_STATES = new Set(['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING', 'UNCONN', 'CLOSED']);

/** `ADDR:PORT`, `[V6]:PORT`, `V6%IFACE:PORT` as ss prints them; the port is after the last colon. */
function splitEndpoint(text: string): { address: string; port: number } | undefined {
  const i = text.lastIndexOf(':');
  if (i <= 0) return undefined;
  const port = Number(text.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return undefined;
  const address = text.slice(0, i).replace(/^\[|\]$/g, '').replace(/%[^\]]*$/, '');
  return { address, port };
}

/**
 * `ss -tnp state established` (no State column) or `ss -tnp` (State column first; only ESTAB rows are kept).
 * Columns: Recv-Q Send-Q Local Peer [Process...]; the process field may hold spaces (`"npm ci"`).
 */
export function parseSs(output: string): ParsedConnections {
  const out: ParsedConnections = { connections: [], unreadable: [] };
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '' || /^(State\s+)?Recv-Q\b/.test(line)) continue;
    const fields = line.split(/\s+/);
    let state: string | undefined;
    if (SS_STATES.has(fields[0] ?? '')) state = fields.shift();
    const [recvQ, sendQ, local, peer, ...rest] = fields;
    const l = local ? splitEndpoint(local) : undefined;
    const p = peer ? splitEndpoint(peer) : undefined;
    if (!/^\d+$/.test(recvQ ?? '') || !/^\d+$/.test(sendQ ?? '') || !l || !p) {
      out.unreadable.push(line.slice(0, 200));
      continue;
    }
    if (state !== undefined && state !== 'ESTAB') continue;
    const process = rest.join(' ').trim();
    out.connections.push({ local: l.address, localPort: l.port, remote: p.address, remotePort: p.port, ...(process ? { process } : {}) });
  }
  return out;
}

/** /proc/net/tcp prints each 32-bit word of an address in the host's byte order; Kubernetes nodes are little-endian. */
function hexWordLE(hex: string): number[] {
  const b = Buffer.from(hex, 'hex');
  return [b[3]!, b[2]!, b[1]!, b[0]!];
}

function decodeAddress(hex: string): string | undefined {
  if (hex.length === 8) return hexWordLE(hex).join('.');
  if (hex.length !== 32) return undefined;
  const bytes = [0, 8, 16, 24].flatMap((o) => hexWordLE(hex.slice(o, o + 8)));
  // An IPv4-mapped address (a v4 peer of a dual-stack socket) is that IPv4 address.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return canonicalIpv6(groups.join(':'));
}

const TCP_ESTABLISHED = '01';

/** The kernel's table (`sl local_address rem_address st ...`): established rows only; a bad row is named, not dropped silently. */
export function parseProcNetTcp(text: string): ParsedConnections {
  const out: ParsedConnections = { connections: [], unreadable: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('sl ')) continue;
    const m = /^\d+:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})\b/.exec(line);
    const local = m ? decodeAddress(m[1]!) : undefined;
    const remote = m ? decodeAddress(m[3]!) : undefined;
    if (!m || !local || !remote) {
      out.unreadable.push(line.slice(0, 200));
      continue;
    }
    if (m[5]!.toUpperCase() !== TCP_ESTABLISHED) continue;
    out.connections.push({ local, localPort: parseInt(m[2]!, 16), remote, remotePort: parseInt(m[4]!, 16) });
  }
  return out;
}
