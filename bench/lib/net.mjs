// Free ports for the children the harness starts. Only loopback and the project's namespace address are used.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

export function freeTcpPort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });
}

export function freeUdpPort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => { const { port } = socket.address(); socket.close(() => resolve(port)); });
  });
}

/** An even UDP port whose successor is free too (RTP/RTCP pairs, e.g. for Janus mountpoints). */
export async function freeUdpPortPair(host = '127.0.0.1') {
  for (let i = 0; i < 50; i++) {
    const port = await freeUdpPort(host);
    const even = port % 2 === 0 ? port : port + 1;
    try {
      await bindAndClose(even, host);
      await bindAndClose(even + 1, host);
      return even;
    } catch { /* taken: try another */ }
  }
  throw new Error('no free UDP port pair');
}

function bindAndClose(port, host) {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, host, () => socket.close(() => resolve()));
  });
}
