/** Starts a test server on 127.0.0.1 (a free port) and closes it with every connection it holds. */

import type {AddressInfo, Server, Socket} from 'node:net';

export async function listenLocally(server: Server, sockets: Set<Socket> = new Set()): Promise<{port: number; close: () => Promise<void>}> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
