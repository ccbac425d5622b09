// A request's logger (requestLogger): below `info` it is made only when the request logs, and then writes
// what pino's child would have written — the request's id bound, paths masked.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, requestLogger } from './logging.js';

function sink(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      written.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

describe('requestLogger', () => {
  it.each(['warn', 'info'])('at %s writes a request’s enabled levels with its id bound and its secrets masked', (level) => {
    const out = sink();
    const log = requestLogger(createLogger(level, out.stream), { reqId: 'req-7' }, {});
    log.debug('not written');
    log.warn({ phone: '+77011234567', code: '123456' }, 'slow code check');
    log.error({ attempt: 2 }, 'failed');
    expect(out.lines().map(({ level: l, reqId, msg, phone, code, attempt }) => ({ l, reqId, msg, phone, code, attempt }))).toEqual([
      { l: 40, reqId: 'req-7', msg: 'slow code check', phone: '[masked]', code: '[masked]', attempt: undefined },
      { l: 50, reqId: 'req-7', msg: 'failed', phone: undefined, code: undefined, attempt: 2 },
    ]);
  });

  it('below info writes nothing for a request that logs only info, and its own child loggers keep the request id', () => {
    const out = sink();
    const log = requestLogger(createLogger('warn', out.stream), { reqId: 'req-8' }, {});
    log.info('incoming request');
    expect(out.lines()).toEqual([]);
    log.child({ module: 'sms' }).warn('queued late');
    expect(out.lines()).toMatchObject([{ reqId: 'req-8', module: 'sms', msg: 'queued late' }]);
    expect(log.bindings()).toEqual({ reqId: 'req-8' });
  });

  it('honours a route’s own level', () => {
    const out = sink();
    const log = requestLogger(createLogger('warn', out.stream), { reqId: 'req-9' }, { level: 'debug' });
    log.debug('route detail');
    expect(out.lines()).toMatchObject([{ reqId: 'req-9', msg: 'route detail' }]);
  });
});
