import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { staffApi, StaffApiError, type StaffMe } from './staffApi.js';
import type { OnError } from './StaffApp.js';
import { STAFF_NS } from './i18n.js';

export function LoginPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (me: StaffMe) => void }) {
  const { t } = useTranslation(STAFF_NS);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await staffApi.login(String(form.get('login')), String(form.get('password')), String(form.get('totp')).replace(/\s/g, '')));
    } catch (err) {
      setError(err instanceof StaffApiError ? err.serverMessage || err.code : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="staff-form" onSubmit={(e) => void submit(e)}>
      <h1>{t('login.heading')}</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <div className="field">
        <label htmlFor="staff-login">{t('login.login')}</label>
        <input id="staff-login" name="login" autoComplete="username" required />
      </div>
      <div className="field">
        <label htmlFor="staff-password">{t('login.password')}</label>
        <input id="staff-password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <div className="field">
        <label htmlFor="staff-totp">{t('login.totp')}</label>
        <input id="staff-totp" name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,8}" required />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t('login.submit')}
      </button>
    </form>
  );
}

export function PasswordPage({ onChanged, onError }: { onChanged: (me: StaffMe) => void; onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      onChanged(await staffApi.changePassword(String(form.get('current')), String(form.get('next'))));
    } catch (err) {
      setError(onError(err));
    }
  };

  return (
    <form className="staff-form" onSubmit={(e) => void submit(e)}>
      <h1>{t('password.heading')}</h1>
      <p>{t('password.intro')}</p>
      <div className="field">
        <label htmlFor="staff-current">{t('password.current')}</label>
        <input id="staff-current" name="current" type="password" autoComplete="current-password" required />
      </div>
      <div className="field">
        <label htmlFor="staff-next">{t('password.next')}</label>
        <input id="staff-next" name="next" type="password" autoComplete="new-password" minLength={12} required />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        {t('password.submit')}
      </button>
    </form>
  );
}
