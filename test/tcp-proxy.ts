import net from 'node:net';

/**
 * A TCP proxy in front of Postgres that a test can break: `down()` closes every connection
 * and refuses new ones; `hang()` keeps connections open but forwards nothing (a database
 * that stopped answering); `up()` restores service.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: 'up' | 'down' | 'hang' = 'up';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (mode === 'down') return client.destroy();
    sockets.add(client);
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (mode === 'up') to.write(chunk);
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
  return {
    port,
    up: () => {
      mode = 'up';
    },
    down: () => {
      mode = 'down';
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    hang: () => {
      mode = 'hang';
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
