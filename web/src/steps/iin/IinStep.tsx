import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api.js';
import { ErrorText } from '../../components/ErrorText.js';
import { StepHeading } from '../../components/StepHeading.js';
import { describeError } from '../../format.js';
import type { Session } from '../../session.js';
// The same rules the server applies: a typo is caught before anything is sent.
import { validateIin } from '../../../../src/iin/iin.rules.js';

export function IinStep({
  session,
  onConfirmed,
  onBmgMismatch,
  onSessionLost,
}: {
  session: Session;
  onConfirmed: (iin: string, maskedName: string, lockedUntil: string | null) => void;
  onBmgMismatch: (iin: string) => void;
  onSessionLost: (message: string) => void;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [iin, setIin] = useState(session.iin ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const check = validateIin(iin);
    if (!check.ok) {
      setError(t(`errors.${check.code}`));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await api.submitIin(session.id, session.token, iin);
      onConfirmed(iin, result.person?.maskedName ?? '', result.lockedUntil ?? null);
      return;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'BMG_PHONE_MISMATCH') return onBmgMismatch(iin);
      if (err instanceof ApiError && ['UNAUTHORIZED', 'REGISTRATION_NOT_FOUND', 'REGISTRATION_EXPIRED', 'INVALID_STATE'].includes(err.code)) {
        return onSessionLost(describeError(t, err));
      }
      setError(describeError(t, err));
    }
    setBusy(false);
    input.current?.focus();
  };

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{t('iin.title')}</StepHeading>
      <p>{t('iin.intro')}</p>
      <div className="field">
        <label htmlFor="iin">{t('iin.label')}</label>
        <input
          ref={input}
          id="iin"
          name="iin"
          className="iin-input"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          pattern="[0-9]{12}"
          maxLength={12}
          value={iin}
          aria-invalid={error ? true : undefined}
          aria-describedby="iin-hint iin-error"
          onChange={(event) => {
            setIin(event.target.value.replace(/\D/g, '').slice(0, 12));
            setError(null);
          }}
        />
        <p id="iin-hint" className="hint">
          {t('iin.hint')} · {iin.length}/12
        </p>
        <ErrorText id="iin-error" message={error} />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('common.sending') : t('iin.submit')}
      </button>
    </form>
  );
}
