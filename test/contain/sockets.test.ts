// Socket tables: ss output and the kernel's /proc/net/tcp{,6}, checked against this machine's real kernel and real ss.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseProcNetTcp, parseSs } from '../../src/contain/sockets.js';
import { canonicalAddress, indicatorsFor, networkIndicators } from '../../src/contain/network.js';
import { procNetTcp } from '../helpers/proc-net.js';
import { seeded } from '../helpers/random.js';

async function loopbackPair(host: string, connectTo = host): Promise<{ port: number; clientPort: number; close: () => void }> {
  const server = net.createServer(() => undefined);
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect(port, connectTo);
  await once(client, 'connect');
  return { port, clientPort: client.localPort!, close: () => { client.destroy(); server.close(); } };
}

describe('the kernel is the oracle for /proc/net/tcp', () => {
  it('an IPv4 loopback connection made here is read back from the real /proc/net/tcp, both directions', async () => {
    const pair = await loopbackPair('127.0.0.1');
    try {
      const conns = parseProcNetTcp(readFileSync('/proc/net/tcp', 'utf8'));
      expect(conns.unreadable).toEqual([]);
      expect(conns.connections).toContainEqual({ local: '127.0.0.1', localPort: pair.clientPort, remote: '127.0.0.1', remotePort: pair.port });
      expect(conns.connections).toContainEqual({ local: '127.0.0.1', localPort: pair.port, remote: '127.0.0.1', remotePort: pair.clientPort });
    } finally {
      pair.close();
    }
  });

  it.skipIf(!existsSync('/proc/net/tcp6'))('a v4 client of a dual-stack listener appears in tcp6 as IPv4-mapped, and is read as the IPv4 address', async () => {
    const pair = await loopbackPair('::', '127.0.0.1');
    try {
      const conns = parseProcNetTcp(readFileSync('/proc/net/tcp6', 'utf8'));
      expect(conns.unreadable).toEqual([]);
      expect(conns.connections).toContainEqual({ local: '127.0.0.1', localPort: pair.port, remote: '127.0.0.1', remotePort: pair.clientPort });
    } finally {
      pair.close();
    }
  });

  it('the real ss prints the same connection, and parseSs reads it with its process', async () => {
    const pair = await loopbackPair('127.0.0.1');
    try {
      let out: string;
      try {
        out = execFileSync('ss', ['-tnp', 'state', 'established'], { encoding: 'utf8' });
      } catch {
        if (process.env.CI) throw new Error('ss (iproute2) is missing on a CI machine');
        console.warn('ss test skipped: no ss here');
        return;
      }
      const conns = parseSs(out);
      expect(conns.unreadable).toEqual([]);
      const mine = conns.connections.find((c) => c.localPort === pair.clientPort && c.remotePort === pair.port);
      expect(mine).toMatchObject({ local: '127.0.0.1', remote: '127.0.0.1' });
      expect(mine?.process).toContain(`pid=${process.pid}`);
      // Without the state filter ss adds a State column; only ESTAB rows count.
      const all = parseSs(execFileSync('ss', ['-tn'], { encoding: 'utf8' }));
      expect(all.unreadable).toEqual([]);
      expect(all.connections.some((c) => c.localPort === pair.clientPort)).toBe(true);
    } finally {
      pair.close();
    }
  });
});

describe('generated tables round-trip', () => {
  it('500 random IPv4 and IPv6 rows (mapped ones included) decode to the addresses written', () => {
    const rnd = seeded(20261203);
    const byte = () => Math.floor(rnd() * 256);
    for (let i = 0; i < 500; i++) {
      const v6 = rnd() < 0.5;
      const mapped = v6 && rnd() < 0.3;
      const v4 = () => [byte(), byte(), byte(), byte()].join('.');
      const v6addr = () => Array.from({ length: 8 }, () => (rnd() < 0.3 ? 0 : Math.floor(rnd() * 65536)).toString(16)).join(':');
      const remote = mapped ? `::ffff:${v4()}` : v6 ? v6addr() : v4();
      const local = v6 ? v6addr() : v4();
      const row = { local, localPort: Math.floor(rnd() * 65536), remote, remotePort: Math.floor(rnd() * 65536) };
      const parsed = parseProcNetTcp(procNetTcp([row, { ...row, state: '0A' }], v6));
      expect(parsed.unreadable).toEqual([]);
      expect(parsed.connections).toHaveLength(1);
      expect(parsed.connections[0]).toEqual({ local: canonicalAddress(local)!.address, localPort: row.localPort, remote: canonicalAddress(remote)!.address, remotePort: row.remotePort });
    }
  });

  it('a row that is not a socket row is named, never skipped silently', () => {
    const parsed = parseProcNetTcp(`${procNetTcp([])}   1: garbage\n`);
    expect(parsed.unreadable).toEqual(['1: garbage']);
    expect(parseSs('Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nnonsense here\n').unreadable).toEqual(['nonsense here']);
  });
});

describe('ss output forms', () => {
  it.each([
    ['0 0 10.0.0.5:43210 142.11.206.73:8000 users:(("node",pid=1,fd=20))', '142.11.206.73', 8000, 'users:(("node",pid=1,fd=20))'],
    ['0      0   [::ffff:10.1.2.3]:5000   [::ffff:142.11.206.9]:443 users:(("npm ci",pid=7,fd=3))', '::ffff:142.11.206.9', 443, 'users:(("npm ci",pid=7,fd=3))'],
    ['0 0 [2001:db8::5]:40000 [2001:db8:c2::1]:443', '2001:db8:c2::1', 443, undefined],
    ['ESTAB 0 0 10.0.0.5%eth0:1 1.2.3.4:80', '1.2.3.4', 80, undefined],
  ])('%s', (line, remote, port, proc) => {
    const { connections, unreadable } = parseSs(`Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n${line}\n`);
    expect(unreadable).toEqual([]);
    expect(connections[0]).toMatchObject({ remote, remotePort: port });
    expect(connections[0]?.process).toBe(proc);
  });

  it('non-established rows of an unfiltered listing are left out', () => {
    expect(parseSs('State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\nTIME-WAIT 0 0 1.1.1.1:2 2.2.2.2:3\n').connections).toEqual([]);
  });
});

describe('network indicators', () => {
  const set = networkIndicators(
    [{ id: 'inc', indicators: ['142.11.206.73', '10.9.0.0/16', 'http://sfrclak.com:8000/6202033', '2001:db8:c2::/48', 'https://203.0.113.9:8443/x', 'litellm_init.pth', 'not an indicator'] }],
    new Map([['sfrclak.com', ['198.51.100.7']]]),
  );
  it.each([
    ['142.11.206.73', ['142.11.206.73']],
    ['::ffff:142.11.206.73', ['142.11.206.73']],
    ['10.9.255.1', ['10.9.0.0/16']],
    ['10.10.0.1', []],
    ['198.51.100.7', ['http://sfrclak.com:8000/6202033']],
    ['2001:db8:c2:ffff::1', ['2001:db8:c2::/48']],
    ['2001:db8:c3::1', []],
    ['203.0.113.9', ['https://203.0.113.9:8443/x']],
    ['142.11.206.74', []],
  ])('%s matches %j', (addr, hits) => {
    expect(indicatorsFor(addr, set).map((i) => i.text)).toEqual(hits);
  });

  it('a domain nobody resolved is listed as not checkable, never dropped', () => {
    const unresolved = networkIndicators([{ id: 'inc', indicators: ['sfrclak.com', 'c2.example.org:443'] }]);
    expect(unresolved.checkable).toEqual([]);
    expect(unresolved.unresolved.map((u) => u.text)).toEqual(['sfrclak.com', 'c2.example.org:443']);
  });
});
