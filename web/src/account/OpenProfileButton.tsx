import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { accountApi } from './accountApi.js';
import { describeAccountError } from './errors.js';
import './i18n.js';

/** The registration that just completed opens the citizen's first session, then the profile. */
export function OpenProfileButton({ registration }: { registration: { id: string; token: string } }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      await accountApi.fromRegistration(registration.id, registration.token);
      location.assign(`/profile${location.search}`);
    } catch (err) {
      // Too late or already used: signing in with a code still works (the sign-in link of the start page).
      setError(describeAccountError(t, err));
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="primary" disabled={busy} onClick={() => void open()}>
        {t('account:profile.open')}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
