// Sign-in, sessions and the profile as the pages use them. The session cookie is HttpOnly: the page never
// sees it; it keeps the CSRF token (in memory) and sends it on every write.
import { call, type OtpTiming } from '../api.js';
import { currentLanguage } from '../i18n/index.js';

export type Assurance = 'low' | 'substantial' | 'high';
export interface Me {
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  sex: 'M' | 'F';
  iinMasked: string;
  phoneMasked: string;
  registeredAt: string;
  registeredBy: 'video_check' | 'moderator';
  assurance: Assurance;
  csrfToken: string;
}
export interface SessionView {
  id: string;
  current: boolean;
  assurance: Assurance;
  method: 'otp' | 'passkey' | 'registration';
  browser: { name: string | null; os: string | null };
  ipMasked: string | null;
  createdAt: string;
  lastSeenAt: string;
}
export interface ActivityEntry {
  id: string;
  type: string;
  at: string;
  ipMasked: string | null;
  method: string | null;
}

let csrfToken = '';
const write = () => ({ 'x-csrf-token': csrfToken });
const remember = <T extends { csrfToken: string }>(answer: T): T => {
  csrfToken = answer.csrfToken;
  return answer;
};

export const accountApi = {
  startSignin: (phone: string) => call<{ id: string; otp: OtpTiming }>('POST', '/api/v1/sessions', { body: { phone, language: currentLanguage() } }),
  resendCode: (id: string) => call<{ otp: OtpTiming }>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/otp/resend`),
  verifyCode: (id: string, code: string) => call<{ assurance: Assurance; csrfToken: string }>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/otp`, { body: { code } }).then(remember),
  fromRegistration: (id: string, token: string) => call<{ assurance: Assurance; csrfToken: string }>('POST', `/api/v1/sessions/registration/${id}`, { token }).then(remember),
  me: () => call<Me>('GET', '/api/v1/me').then(remember),
  sessions: () => call<{ sessions: SessionView[] }>('GET', '/api/v1/me/sessions'),
  activity: () => call<{ events: ActivityEntry[] }>('GET', '/api/v1/me/activity'),
  revoke: (id: string) => call<null>('DELETE', `/api/v1/me/sessions/${id}`, { headers: write() }),
  logout: (everywhere: boolean) => call<null>('POST', '/api/v1/sessions/logout', { body: { everywhere }, headers: write() }),
  block: () => call<null>('POST', '/api/v1/me/block', { headers: write() }),
};
