// "Sign in with a passkey" under the phone form: no number, no SMS; the browser offers the passkeys it
// holds for this site and the device checks the citizen (fingerprint, face, screen lock).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../components/ErrorText.js';
import { describeAccountError } from './errors.js';
import { PasskeyCeremonyError, signInWithPasskey } from './passkeys.js';

export function PasskeySignin({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await signInWithPasskey();
      onSignedIn();
    } catch (err) {
      setError(err instanceof PasskeyCeremonyError ? t(`account:passkeys.problems.${err.problem}`) : describeAccountError(t, err));
      setBusy(false);
    }
  };

  return (
    <div className="passkey-signin">
      <p className="divider">
        <span>{t('account:passkeys.or')}</span>
      </p>
      <button type="button" className="secondary" disabled={busy} aria-describedby="passkey-signin-hint passkey-signin-error" onClick={() => void start()}>
        {busy ? t('account:passkeys.adding') : t('account:passkeys.signin')}
      </button>
      <p id="passkey-signin-hint" className="hint">
        {t('account:passkeys.signinHint')}
      </p>
      <ErrorText id="passkey-signin-error" message={error} />
    </div>
  );
}
