// Keep-alive HTTP/1.1 connections for the paced load (load-paced.ts), lighter than node:http's client:
// a request is written as one prebuilt buffer and its answer read by its content-length (every answer of
// the app carries one), so the load generator's CPU stays small beside the app's on a machine of few cores.
// One request at a time on a connection; a request finding no free connection and the most open waits.
import net from 'node:net';

export interface Answer {
  status: number;
  body: string;
  /** Header lines, lower-cased names (set-cookie kept as a list). */
  headers: Record<string, string | string[]>;
}

interface Pending {
  bytes: Buffer;
  /** Called when the request is written (it had its connection). */
  onSent(): void;
  onAnswer(answer: Answer): void;
  onError(error: Error): void;
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  current: Pending | null = null;

  constructor(
    readonly socket: net.Socket,
    private readonly release: (connection: Connection, reusable: boolean) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  send(pending: Pending): void {
    this.current = pending;
    this.socket.write(pending.bytes);
    pending.onSent();
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.current) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const lines = head.split('\r\n');
    const headers: Record<string, string | string[]> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'set-cookie') headers[name] = [...((headers[name] as string[] | undefined) ?? []), value];
      else headers[name] = value;
    }
    const length = Number(headers['content-length']);
    if (!Number.isFinite(length)) return this.fail(new Error(`answer without content-length: ${lines[0]}`), true);
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString();
    this.buffer = this.buffer.subarray(end + 4 + length);
    const pending = this.current;
    this.current = null;
    pending.onAnswer({ status: Number(lines[0].split(' ')[1]), body, headers });
    this.release(this, headers.connection !== 'close');
  }

  private fail(error: Error, destroy = false): void {
    const pending = this.current;
    this.current = null;
    if (destroy) this.socket.destroy();
    pending?.onError(error);
    this.release(this, false);
  }
}

export class ConnectionPool {
  private readonly free: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly waiting: Pending[] = [];
  /** Connections opened over the pool's life. */
  opened = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly most: number,
  ) {}

  /** Writes `request` (prebuilt bytes) on a free connection, or on a new one, or when one frees. */
  request(pending: Pending): void {
    const connection = this.free.pop() ?? (this.open.size < this.most ? this.connect() : null);
    if (connection) connection.send(pending);
    else this.waiting.push(pending);
  }

  close(): void {
    for (const c of this.open) c.socket.destroy();
  }

  private connect(): Connection {
    this.opened++;
    const connection = new Connection(net.connect(this.port, this.host), (c, reusable) => this.released(c, reusable));
    this.open.add(connection);
    return connection;
  }

  private released(connection: Connection, reusable: boolean): void {
    if (!this.open.has(connection)) return;
    if (!reusable) {
      this.open.delete(connection);
      connection.socket.destroy();
      const next = this.waiting.shift();
      if (next) this.request(next);
      return;
    }
    const next = this.waiting.shift();
    if (next) connection.send(next);
    else this.free.push(connection);
  }
}

/** A request's bytes: the request line, the headers (with Host and Content-Length) and the body. */
export function requestBytes(method: string, path: string, host: string, headers: Record<string, string>, body: string | undefined): Buffer {
  const payload = body === undefined ? null : Buffer.from(body);
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += `content-length: ${payload?.length ?? 0}\r\n\r\n`;
  return payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1');
}
