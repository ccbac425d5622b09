// node-postgres over PGlite without a network: a Duplex "socket" (pg's `stream` option) that hands the
// wire-protocol bytes node-postgres writes to PGlite and pushes PGlite's answer back. Compared with
// `@electric-sql/pglite/node-postgres`, which runs every protocol message (Bind, Describe, Execute, Sync)
// through PGlite on its own and has PGlite parse the answer into message objects:
//   - a statement is one call into PGlite: node-postgres corks its messages, so they arrive together here;
//   - the answer is parsed once, by node-postgres, exactly as an answer from PostgreSQL is: PGlite's
//     bytes are taken through execProtocolRawStream. execProtocolRaw would also parse every message
//     in JavaScript and keep the parsed messages, which nothing reads, for the life of the PGlite
//     instance (a heap that grows with every statement). PGlite keeps the last stream's callback
//     installed: on the same instance its query/exec still answer (they install their own), but
//     execProtocolRaw would hand its answer to that callback and return nothing;
//   - each call starts on a turn of the event loop of its own (below): PGlite runs a statement
//     synchronously on this thread, and its answers would otherwise come back through promises alone —
//     with requests queued for the one connection, statement after statement ran in one stretch of
//     microtasks, no socket was read or written and no timer fired until the queue drained (event-loop
//     delays of hundreds of ms under load, every answer waiting for the whole batch).
import { Duplex } from 'node:stream';
import { MemoryFS, type PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** The frontend's Terminate message ('X'). */
const TERMINATE = 0x58;

/** A simple-protocol Query message. */
function queryMessage(text: string): Buffer {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head[0] = 0x51; // 'Q'
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/**
 * PGlite has one session, which outlives a connection: before a new connection's startup, whatever an
 * earlier one left there (an open transaction, prepared statements it named, settings) is cleared, as a
 * new PostgreSQL backend would start clean. Two messages: DISCARD ALL cannot run in a transaction block.
 */
const RESET_SESSION = Buffer.concat([queryMessage('ROLLBACK'), queryMessage('DISCARD ALL')]);

/**
 * A folder (NodeFS) or memory holds every write PGlite makes as it makes it: their syncToFs does nothing,
 * and asking for it after each statement cost a lock and turns of promises (~10 µs a statement).
 */
function writesThrough(pglite: PGlite): boolean {
  return pglite.fs instanceof NodeFS || pglite.fs instanceof MemoryFS;
}

export class PgliteSocket extends Duplex {
  private started = false;
  private readonly syncToFs: boolean;

  constructor(private readonly pglite: PGlite) {
    super();
    this.syncToFs = !writesThrough(pglite);
  }

  // The parts of net.Socket node-postgres calls.
  connect(): this {
    setImmediate(() => this.emit('connect'));
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  override _read(): void {
    // Answers are pushed as they are produced.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.exchange(chunk, done);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (error?: Error | null) => void): void {
    this.exchange(Buffer.concat(chunks.map((c) => c.chunk)), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.push(null);
    done();
  }

  /** One write (node-postgres' corked messages of a statement) through PGlite, on its own turn of the loop. */
  private exchange(message: Buffer, done: (error?: Error | null) => void): void {
    setImmediate(() => {
      this.run(message).then(
        () => done(),
        (err: Error) => done(err),
      );
    });
  }

  private async run(message: Buffer): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.pglite.execProtocolRawStream(RESET_SESSION, { syncToFs: this.syncToFs, onRawData: ignoreAnswer });
    }
    // Terminate: the session stays with PGlite (closed with it).
    if (message[0] === TERMINATE) return;
    const chunks: Buffer[] = [];
    // Copies: PGlite hands out views of its own memory, reused by the next call.
    await this.pglite.execProtocolRawStream(message, {
      syncToFs: this.syncToFs,
      onRawData: (data) => chunks.push(Buffer.from(data)),
    });
    if (chunks.length > 0) this.push(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  }
}

function ignoreAnswer(): void {}
