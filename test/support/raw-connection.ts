// A plain TCP connection to the service under test, for what fetch cannot show: bytes trickled
// slowly, a keep-alive connection left idle, the raw answer with its Connection header, and when
// the service closes the connection.
import { connect, type Socket } from 'node:net';
import type { AppUnderTest } from './app-under-test.js';

export interface RawConnection {
  socket: Socket;
  /** Everything the service sent so far. */
  received(): string;
  /** Resolves when the service closed (or reset) the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
}

export async function rawConnection(app: AppUnderTest): Promise<RawConnection> {
  const url = new URL(app.baseUrl);
  const socket = connect({ host: url.hostname, port: Number(url.port) });
  let received = '';
  let isClosed = false;
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('error', () => undefined); // a reset is one way of being closed; `closed` reports it
  const closed = new Promise<void>((done) => socket.once('close', () => {
    isClosed = true;
    done();
  }));
  await new Promise<void>((done, failed) => {
    socket.once('connect', done);
    socket.once('error', failed);
  });
  return { socket, received: () => received, closed, isClosed: () => isClosed };
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
