import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type OtpTiming } from '../../api.js';
import { ErrorText } from '../../components/ErrorText.js';
import { StepHeading } from '../../components/StepHeading.js';
import { describeError, formatDuration, formatPhone } from '../../format.js';
import { useSecondsUntil } from '../../hooks.js';
import type { Session } from '../../session.js';

const CODE_LENGTH = 6;

export function CodeStep({
  session,
  onOtpChanged,
  onVerified,
  onChangePhone,
  onSessionLost,
}: {
  session: Session;
  onOtpChanged: (otp: OtpTiming) => void;
  onVerified: () => void;
  onChangePhone: () => void;
  onSessionLost: (message: string) => void;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // After too many wrong codes or expiry only a new code helps.
  const [needsNewCode, setNeedsNewCode] = useState(false);
  const resendIn = useSecondsUntil(session.otp?.resendAvailableAt);

  const fail = (err: unknown) => {
    if (err instanceof ApiError && ['UNAUTHORIZED', 'REGISTRATION_NOT_FOUND', 'REGISTRATION_EXPIRED', 'INVALID_STATE'].includes(err.code)) {
      onSessionLost(describeError(t, err));
      return;
    }
    setError(describeError(t, err));
    if (err instanceof ApiError && ['OTP_EXPIRED', 'OTP_ATTEMPTS_EXCEEDED'].includes(err.code)) setNeedsNewCode(true);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    if (code.length !== CODE_LENGTH) {
      setError(t('code.incomplete'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.verifyOtp(session.id, session.token, code);
      onVerified();
      return;
    } catch (err) {
      fail(err);
    }
    setBusy(false);
    // The code stays, selected: the citizen sees what was sent, fixes one digit or types over it.
    input.current?.focus();
    input.current?.select();
  };

  const resend = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const { otp } = await api.resendOtp(session.id, session.token);
      onOtpChanged(otp);
      setNeedsNewCode(false);
      setCode('');
      setNotice(t('code.resent'));
    } catch (err) {
      fail(err);
    }
    setBusy(false);
    input.current?.focus();
  };

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{t('code.title')}</StepHeading>
      <p>{t('code.sentTo', { phone: formatPhone(session.phone) })}</p>
      <p className="hint">{t('code.smsHint')}</p>
      <div className="field">
        <label htmlFor="otp">{t('code.label')}</label>
        <input
          ref={input}
          id="otp"
          name="otp"
          className="code-input"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={CODE_LENGTH}
          value={code}
          aria-invalid={error ? true : undefined}
          aria-describedby="otp-error"
          onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, CODE_LENGTH))}
        />
        <ErrorText id="otp-error" message={error} />
      </div>
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      <button type="submit" className="primary" disabled={busy || needsNewCode}>
        {busy ? t('common.sending') : t('code.submit')}
      </button>
      <div className="resend">
        {resendIn > 0 ? (
          <p className="countdown" aria-live="off">
            {t('code.resendIn', { time: formatDuration(resendIn) })}
          </p>
        ) : (
          <button type="button" className="link-button" disabled={busy} onClick={() => void resend()}>
            {t('code.resend')}
          </button>
        )}
        <button type="button" className="link-button" onClick={onChangePhone}>
          {t('code.changePhone')}
        </button>
      </div>
    </form>
  );
}
