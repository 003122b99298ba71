// Writes /proc/net/tcp and /proc/net/tcp6 rows the way a little-endian Linux kernel does (each 32-bit word in host order).
import { isIP } from 'node:net';

function wordLE(bytes: number[]): string {
  return [bytes[3], bytes[2], bytes[1], bytes[0]].map((b) => b!.toString(16).padStart(2, '0').toUpperCase()).join('');
}

function ipv6Bytes(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').flatMap((g) => {
    if (g.includes('.')) return g.split('.').map(Number);
    const n = parseInt(g, 16);
    return [n >> 8, n & 255];
  }));
  const a = parse(head);
  const b = tail === undefined ? [] : parse(tail);
  return [...a, ...new Array(16 - a.length - b.length).fill(0), ...b];
}

export function procAddress(address: string, port: number): string {
  const hexPort = port.toString(16).padStart(4, '0').toUpperCase();
  if (isIP(address) === 4) return `${wordLE(address.split('.').map(Number))}:${hexPort}`;
  const bytes = ipv6Bytes(address);
  return `${[0, 4, 8, 12].map((o) => wordLE(bytes.slice(o, o + 4))).join('')}:${hexPort}`;
}

/** One table; `state` is the kernel's hex state (01 established, 0A listen). */
export function procNetTcp(rows: { local: string; localPort: number; remote: string; remotePort: number; state?: string }[], v6 = false): string {
  const head = v6
    ? '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'
    : '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
  const lines = rows.map((r, i) => `${String(i).padStart(4)}: ${procAddress(r.local, r.localPort)} ${procAddress(r.remote, r.remotePort)} ${r.state ?? '01'} 00000000:00000000 00:00000000 00000000  1000        0 ${4242 + i} 1 0000000000000000 20 4 30 10 -1`);
  return `${[head, ...lines].join('\n')}\n`;
}
