// Sign-in with an SMS code: phone → code → the profile. The same page for every number: whether it has
// a Digital ID only shows in the SMS the phone receives.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { serverNow, type OtpTiming } from '../api.js';
import { ErrorText } from '../components/ErrorText.js';
import { StepHeading } from '../components/StepHeading.js';
import { formatDuration, formatPhone } from '../format.js';
import { normalizeKzMobile } from '../../../src/phone/phone.rules.js';
import { accountApi } from './accountApi.js';
import { describeAccountError } from './errors.js';

interface Started {
  id: string;
  phone: string;
  otp: OtpTiming;
}

export function SigninPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [started, setStarted] = useState<Started | null>(null);
  useEffect(() => {
    document.title = `${t(started ? 'account:titles.code' : 'account:titles.signin')} · ${t('app.name')}`;
  }, [started, t]);
  return started ? (
    <CodeForm started={started} onResent={(otp) => setStarted({ ...started, otp })} onOtherNumber={() => setStarted(null)} onSignedIn={onSignedIn} />
  ) : (
    <PhoneForm notice={notice} onStarted={setStarted} />
  );
}

function PhoneForm({ notice, onStarted }: { notice: string | null; onStarted: (started: Started) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const normalized = normalizeKzMobile(phone);
    if (!normalized) {
      setError(t('errors.PHONE_INVALID'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await accountApi.startSignin(normalized);
      onStarted({ id: answer.id, phone: normalized, otp: answer.otp });
    } catch (err) {
      setError(describeAccountError(t, err));
      setBusy(false);
      input.current?.focus();
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <StepHeading>{t('account:signin.title')}</StepHeading>
      <p>{t('account:signin.intro')}</p>
      <div className="field">
        <label htmlFor="signin-phone">{t('account:signin.phone')}</label>
        <input
          ref={input}
          id="signin-phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={phone}
          aria-invalid={error ? true : undefined}
          aria-describedby="signin-phone-hint signin-phone-error"
          onChange={(event) => {
            setPhone(event.target.value);
            setError(null);
          }}
        />
        <p id="signin-phone-hint" className="hint">
          {t('account:signin.phoneHint')}
        </p>
        <ErrorText id="signin-phone-error" message={error} />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('common.sending') : t('account:signin.submit')}
      </button>
      <p className="account-switch">
        {t('account:signin.noId')} <a href="/">{t('account:signin.register')}</a>
      </p>
    </form>
  );
}

function CodeForm({ started, onResent, onOtherNumber, onSignedIn }: { started: Started; onResent: (otp: OtpTiming) => void; onOtherNumber: () => void; onSignedIn: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    document.getElementById('step-heading')?.focus({ preventScroll: true });
  }, []);
  const resendIn = (Date.parse(started.otp.resendAvailableAt) - now) / 1000;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setError(t('errors.OTP_INVALID', { attemptsLeft: '—' }));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await accountApi.verifyCode(started.id, code.trim());
      onSignedIn();
    } catch (err) {
      setError(describeAccountError(t, err));
      setBusy(false);
      input.current?.focus();
    }
  };

  const resend = async () => {
    setError(null);
    try {
      onResent((await accountApi.resendCode(started.id)).otp);
    } catch (err) {
      setError(describeAccountError(t, err));
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{t('account:code.title')}</StepHeading>
      <p>{t('account:code.intro', { phone: formatPhone(started.phone) })}</p>
      <div className="field">
        <label htmlFor="signin-code">{t('account:code.label')}</label>
        <input
          ref={input}
          id="signin-code"
          className="code-input"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          value={code}
          aria-invalid={error ? true : undefined}
          aria-describedby="signin-code-error"
          onChange={(event) => {
            setCode(event.target.value.replace(/\D/g, ''));
            setError(null);
          }}
        />
        <ErrorText id="signin-code-error" message={error} />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('common.sending') : t('account:code.submit')}
      </button>
      <div className="account-actions">
        <button type="button" className="secondary" disabled={resendIn > 0} onClick={() => void resend()}>
          {resendIn > 0 ? t('account:code.resendIn', { time: formatDuration(resendIn) }) : t('account:code.resend')}
        </button>
        <button type="button" className="link-button" onClick={onOtherNumber}>
          {t('account:code.otherNumber')}
        </button>
      </div>
    </form>
  );
}
