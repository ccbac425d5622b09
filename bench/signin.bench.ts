// bench:api's sign-in rows (issue 12), beside the registration steps: the citizens who just registered
// (their registrations completed here, as a passed video check would) start a sign-in (POST /sessions:
// a code stored and an SMS queued), ask for a new code (its resend), enter the code (POST /sessions/{id}/otp: a session opened), and
// read their profile with the session cookie (GET /api/v1/me).
import type { RunningServer } from '../src/server.js';
import { completeRegistration } from '../src/registration/registration.service.js';
import { openBody } from '../src/sms/sms.body.js';
import type { LoadPlan, ProcessMeasured } from './support/load-process.js';
import type { BenchDb, ScenarioKey } from './api.bench.js';

export interface BenchTools {
  on: BenchDb;
  connections: number;
  duration: number;
  /** Runs a scenario under each load (`plan(load)`), answering each load's result. */
  scenario: (on: BenchDb, key: ScenarioKey, name: string, plan: (load: number) => LoadPlan) => Promise<ProcessMeasured[]>;
  /** A load's part of once-only requests (all, or half when comparing loads). */
  share: <T>(items: T[], load: number) => T[];
  /** Whether a scenario runs (asked for, or needed by a later one). */
  runs: (key: ScenarioKey) => boolean;
  json: (extra?: Record<string, string>) => Record<string, string>;
}

export async function benchSignin(server: RunningServer, registered: Array<{ id: string; phone: string }>, tools: BenchTools): Promise<void> {
  const people: string[] = [];
  for (const r of registered) {
    try {
      await server.ctx.db.transaction().execute((trx) => completeRegistration(trx, r.id, 'video_check'));
      people.push(r.phone);
    } catch {
      /* its IIN step failed under load: not registered */
    }
  }
  if (people.length === 0) throw new Error('no registered citizens to sign in');
  const once = { kind: 'requests', connections: tools.connections, url: server.url, method: 'POST', cycle: false } as const;
  /** Each load's items beside what its answers carried, joined. */
  const kept = <T>(items: T[], measured: ProcessMeasured[]) => measured.flatMap((m, load) => tools.share(items, load).flatMap((item, i) => (m.collected?.[i] ? [{ item, value: m.collected[i]! }] : [])));

  // Each request its own citizen; the answer's id is the sign-in's handle.
  const started = await tools.scenario(tools.on, 'signin-start', 'sign-in start (POST /sessions)', (load) => {
    const mine = tools.share(people, load);
    return { ...once, amount: mine.length, path: '/api/v1/sessions', variants: mine.map((phone) => ({ headers: tools.json(), body: JSON.stringify({ phone }) })), collect: { json: 'id' } };
  });
  const handles = kept(people, started).map(({ item, value }) => ({ phone: item, handle: value }));
  if (handles.length === 0) throw new Error('no sign-in started');

  // A new code for each (the bench's resend cooldown is 0): the previous one stops working.
  if (tools.runs('signin-resend')) {
    await tools.scenario(tools.on, 'signin-resend', 'sign-in resend (POST /sessions/{id}/otp/resend)', (load) => {
      const mine = tools.share(handles, load);
      return { ...once, amount: mine.length, path: '/', variants: mine.map(({ handle }) => ({ path: `/api/v1/sessions/${handle}/otp/resend`, headers: tools.json(), body: '{}' })) };
    });
  }
  if (!tools.runs('signin-code')) return;

  // The latest code of each phone (a resend voided the first).
  const messages = await server.ctx.db.selectFrom('sms_messages').select(['id', 'phone', 'body_encrypted']).where('purpose', '=', 'signin_code').orderBy('created_at').execute();
  const codeOf = new Map(messages.map((m) => [m.phone, /\b(\d{6})\b/.exec(openBody(server.ctx.config.encryptionKey, m) ?? '')?.[1] ?? '']));
  const entered = await tools.scenario(tools.on, 'signin-code', 'sign-in code (POST /sessions/{id}/otp)', (load) => {
    const mine = tools.share(handles, load);
    return {
      ...once,
      amount: mine.length,
      path: '/',
      variants: mine.map(({ phone, handle }) => ({ path: `/api/v1/sessions/${handle}/otp`, headers: tools.json(), body: JSON.stringify({ code: codeOf.get(phone) ?? '' }) })),
      collect: { cookie: 'did_session' },
    };
  });
  const cookies = kept(handles, entered).map(({ value }) => value);
  if (cookies.length === 0) throw new Error('no session opened');

  if (!tools.runs('profile')) return;
  await tools.scenario(tools.on, 'profile', 'profile (GET /api/v1/me)', () => ({
    kind: 'requests',
    connections: tools.connections,
    seconds: tools.duration,
    url: server.url,
    method: 'GET',
    path: '/api/v1/me',
    variants: cookies.map((cookie) => ({ headers: { ...tools.json(), cookie } })),
    cycle: true,
  }));
}
