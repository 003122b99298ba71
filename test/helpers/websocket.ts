// The server side of RFC 6455, as much as the Kubernetes exec protocol needs: the handshake, binary frames, close.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Answers the upgrade with 101 and the chosen subprotocol; returns false (and answers 400) when it is no WebSocket request. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, protocol: string): boolean {
  const key = req.headers['sec-websocket-key'];
  if (String(req.headers.upgrade).toLowerCase() !== 'websocket' || typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    return false;
  }
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
  return true;
}

/** One unmasked server frame (servers never mask, RFC 6455 5.1). */
export function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  let head: Buffer;
  if (len < 126) head = Buffer.from([0x80 | opcode, len]);
  else if (len < 65_536) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

/** A binary frame on a Kubernetes stream channel (0 stdin, 1 stdout, 2 stderr, 3 error/status, 255 close). */
export function channelFrame(channel: number, data: Buffer | string): Buffer {
  return frame(0x2, Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
}

export function closeFrame(code = 1000): Buffer {
  const body = Buffer.alloc(2);
  body.writeUInt16BE(code, 0);
  return frame(0x8, body);
}
