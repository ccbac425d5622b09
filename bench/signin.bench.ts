// bench:api's sign-in rows (issue 12), beside the registration steps: the citizens who just registered
// (their registrations completed here, as a passed video check would) start a sign-in (POST /sessions:
// a code stored and an SMS queued), ask for a new code (its resend), enter the code (POST /sessions/{id}/otp: a session opened), and
// read their profile with the session cookie (GET /api/v1/me).
import type autocannon from 'autocannon';
import type { RunningServer } from '../src/server.js';
import { completeRegistration } from '../src/registration/registration.service.js';
import { openBody } from '../src/sms/sms.body.js';

export interface BenchTools {
  kind: string;
  connections: number;
  duration: number;
  scenario: (db: string, name: string, opts: autocannon.Options) => Promise<unknown>;
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

  // Each request its own citizen; the connection's context remembers whose request it sent.
  const handles = new Map<string, string>();
  let k = 0;
  await tools.scenario(tools.kind, 'sign-in start (POST /sessions)', {
    connections: tools.connections,
    amount: people.length,
    url: server.url,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/sessions',
        setupRequest: (req, context) => {
          const phone = people[k++ % people.length];
          (context as { phone?: string }).phone = phone;
          return { ...req, headers: tools.json(), body: JSON.stringify({ phone }) };
        },
        onResponse: (status, body, context) => {
          if (status === 201) handles.set((context as { phone: string }).phone, (JSON.parse(body) as { id: string }).id);
        },
      },
    ],
  });

  // A new code for each (the bench's resend cooldown is 0): the previous one stops working.
  const resendQueue = [...handles.values()];
  let r = 0;
  await tools.scenario(tools.kind, 'sign-in resend (POST /sessions/{id}/otp/resend)', {
    connections: tools.connections,
    amount: resendQueue.length,
    url: server.url,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, path: `/api/v1/sessions/${resendQueue[r++ % resendQueue.length]}/otp/resend`, headers: tools.json(), body: '{}' }) }],
  });

  // The latest code of each phone (a resend voided the first).
  const messages = await server.ctx.db.selectFrom('sms_messages').select(['id', 'phone', 'body_encrypted']).where('purpose', '=', 'signin_code').orderBy('created_at').execute();
  const codeOf = new Map(messages.map((m) => [m.phone, /\b(\d{6})\b/.exec(openBody(server.ctx.config.encryptionKey, m) ?? '')?.[1] ?? '']));
  const pending = [...handles].map(([phone, handle]) => ({ handle, code: codeOf.get(phone) ?? '' }));
  const cookies: string[] = [];
  let j = 0;
  await tools.scenario(tools.kind, 'sign-in code (POST /sessions/{id}/otp)', {
    connections: tools.connections,
    amount: pending.length,
    url: server.url,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const p = pending[j++ % pending.length];
          return { ...req, path: `/api/v1/sessions/${p.handle}/otp`, headers: tools.json(), body: JSON.stringify({ code: p.code }) };
        },
        onResponse: (status, _body, _context, headers) => {
          const setCookie = [headers?.['set-cookie'] ?? []].flat().join(';');
          const cookie = /did_session=[^;]+/.exec(setCookie)?.[0];
          if (status === 200 && cookie) cookies.push(cookie);
        },
      },
    ],
  });
  if (cookies.length === 0) throw new Error('no session opened');

  let m = 0;
  await tools.scenario(tools.kind, 'profile (GET /api/v1/me)', {
    connections: tools.connections,
    duration: tools.duration,
    url: server.url,
    requests: [{ method: 'GET', path: '/api/v1/me', setupRequest: (req) => ({ ...req, headers: { ...tools.json(), cookie: cookies[m++ % cookies.length] } }) }],
  });
}
