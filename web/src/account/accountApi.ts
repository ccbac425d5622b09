// Sign-in, sessions and the profile as the pages use them. The session cookie is HttpOnly: the page never
// sees it; it keeps the CSRF token (in memory) and sends it on every write.
import { call, type Reply } from '../api.js';
import { currentLanguage } from '../i18n/index.js';

// Types come from the server's OpenAPI document (api-types.ts), like the wizard's.
export type Me = Reply<'GET /api/v1/me', 200>;
export type Assurance = Me['assurance'];
export type SessionView = Reply<'GET /api/v1/me/sessions', 200>['sessions'][number];
export type StepUpResult = Reply<'POST /api/v1/me/step-up/{checkId}', 200>;
export type ActivityEntry = Reply<'GET /api/v1/me/activity', 200>['events'][number];
export type PasskeyView = Reply<'GET /api/v1/me/passkeys', 200>['passkeys'][number];

let csrfToken = '';
const write = () => ({ 'x-csrf-token': csrfToken });
/** The CSRF header of the signed-in session (known after me() or a sign-in), for writes of other pages. */
export const csrfHeaders = write;
const remember = <T extends { csrfToken: string }>(answer: T): T => {
  csrfToken = answer.csrfToken;
  return answer;
};

export const accountApi = {
  startSignin: (phone: string) => call<Reply<'POST /api/v1/sessions', 201>>('POST', '/api/v1/sessions', { body: { phone, language: currentLanguage() } }),
  resendCode: (id: string) => call<Reply<'POST /api/v1/sessions/{id}/otp/resend', 200>>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/otp/resend`),
  blockWithCode: (id: string, code: string, iin: string) => call<null>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/block`, { body: { code, iin } }),
  verifyCode: (id: string, code: string) => call<Reply<'POST /api/v1/sessions/{id}/otp', 200>>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/otp`, { body: { code } }).then(remember),
  fromRegistration: (id: string, token: string) => call<Reply<'POST /api/v1/sessions/registration/{id}', 200>>('POST', `/api/v1/sessions/registration/${id}`, { token }).then(remember),
  me: () => call<Me>('GET', '/api/v1/me').then(remember),
  sessions: () => call<Reply<'GET /api/v1/me/sessions', 200>>('GET', '/api/v1/me/sessions'),
  activity: () => call<Reply<'GET /api/v1/me/activity', 200>>('GET', '/api/v1/me/activity'),
  revoke: (id: string) => call<null>('DELETE', `/api/v1/me/sessions/${id}`, { headers: write() }),
  logout: (everywhere: boolean) => call<null>('POST', '/api/v1/sessions/logout', { body: { everywhere }, headers: write() }),
  block: () => call<null>('POST', '/api/v1/me/block', { headers: write() }),
  // Face step-up: the registration's video-check protocol for the signed-in citizen.
  startStepUp: () => call<Reply<'POST /api/v1/me/step-up', 201>>('POST', '/api/v1/me/step-up', { headers: write() }),
  submitStepUp: (checkId: string, form: FormData) => call<StepUpResult>('POST', `/api/v1/me/step-up/${encodeURIComponent(checkId)}`, { form, headers: write() }),
  // Change of phone (needs assurance high).
  startPhoneChange: (phone: string) => call<Reply<'POST /api/v1/me/phone', 201>>('POST', '/api/v1/me/phone', { body: { phone, language: currentLanguage() }, headers: write() }),
  resendPhoneCode: (id: string) => call<Reply<'POST /api/v1/me/phone/{id}/otp/resend', 200>>('POST', `/api/v1/me/phone/${encodeURIComponent(id)}/otp/resend`, { headers: write() }),
  requestPhoneBinding: (phone: string) =>
    call<Reply<'POST /api/v1/me/phone/assistant-ticket', 201>>('POST', '/api/v1/me/phone/assistant-ticket', { body: { phone, language: currentLanguage() }, headers: write() }),
  verifyPhoneCode: (id: string, code: string) => call<Reply<'POST /api/v1/me/phone/{id}/otp', 200>>('POST', `/api/v1/me/phone/${encodeURIComponent(id)}/otp`, { body: { code }, headers: write() }),
  // Passkeys: the WebAuthn messages pass through as JSON (passkeys.ts runs the browser's ceremony).
  passkeySigninOptions: () => call<Reply<'POST /api/v1/sessions/passkey/options', 200>>('POST', '/api/v1/sessions/passkey/options'),
  passkeySignin: (response: unknown) => call<Reply<'POST /api/v1/sessions/passkey', 200>>('POST', '/api/v1/sessions/passkey', { body: { response } }).then(remember),
  passkeys: () => call<Reply<'GET /api/v1/me/passkeys', 200>>('GET', '/api/v1/me/passkeys'),
  passkeyOptions: () => call<Reply<'POST /api/v1/me/passkeys/options', 200>>('POST', '/api/v1/me/passkeys/options', { headers: write() }),
  addPasskey: (response: unknown) => call<PasskeyView>('POST', '/api/v1/me/passkeys', { body: { response }, headers: write() }),
  renamePasskey: (id: string, name: string) => call<PasskeyView>('PATCH', `/api/v1/me/passkeys/${id}`, { body: { name }, headers: write() }),
  removePasskey: (id: string) => call<null>('DELETE', `/api/v1/me/passkeys/${id}`, { headers: write() }),
};
