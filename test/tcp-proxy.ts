import net from 'node:net';

export type ProxyMode = 'up' | 'down' | 'hang' | 'stall';

/**
 * A TCP proxy in front of Postgres that a test can break, the ways a network or a database
 * breaks in production:
 * - `down()` (also `cut()`): closes every connection and refuses new ones;
 * - `hang()`: keeps connections open but forwards nothing, and drops what was sent meanwhile
 *   (a database that stopped answering; the connection's protocol state is lost);
 * - `stall()`: keeps connections open and holds every byte, delivering all of it on `up()`
 *   (a database that froze for a while, then carried on as if nothing happened);
 * - `up()`: restores service.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: ProxyMode = 'up';
  const sockets = new Set<net.Socket>();
  const held: { to: net.Socket; chunk: Buffer }[] = [];
  const server = net.createServer((client) => {
    if (mode === 'down') return client.destroy();
    sockets.add(client);
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (mode === 'up') to.write(chunk);
        else if (mode === 'stall') held.push({ to, chunk });
      });
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const down = () => {
    mode = 'down';
    held.length = 0;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port,
    get mode() {
      return mode;
    },
    /** Connections currently open through the proxy (each counts its two sockets once). */
    get connections() {
      return sockets.size / 2;
    },
    up: () => {
      mode = 'up';
      for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    down,
    cut: down,
    hang: () => {
      mode = 'hang';
    },
    stall: () => {
      mode = 'stall';
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
