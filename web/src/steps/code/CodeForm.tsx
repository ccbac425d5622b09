// The SMS-code form of the wizard, of sign-in and of "block my Digital ID": 6 digits, the countdown to a
// new code, "send a new code", "another number". After too many wrong codes or expiry only a new code helps.
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.js';
import { ErrorText } from '../../components/ErrorText.js';
import { StepHeading } from '../../components/StepHeading.js';
import { formatDuration } from '../../format.js';
import { useSecondsUntil } from '../../hooks.js';

const CODE_LENGTH = 6;

export interface CodeFormTexts {
  title: string;
  sentTo: string;
  hint?: string;
  label: string;
  submit: string;
  resent: string;
  resend: string;
  /** With {{time}}. */
  resendIn: (time: string) => string;
  changePhone: string;
}

export function CodeForm({
  id = 'otp',
  texts,
  resendAvailableAt,
  onSubmit,
  onResend,
  onChangePhone,
  describe,
  handled = () => false,
  extraField,
  checkExtra = () => true,
}: {
  id?: string;
  texts: CodeFormTexts;
  resendAvailableAt: string | undefined;
  onSubmit: (code: string) => Promise<void>;
  onResend: () => Promise<void>;
  onChangePhone: () => void;
  describe: (error: unknown) => string;
  /** True when the page took care of the error itself (the registration or sign-in is gone, another field's error). */
  handled?: (error: unknown) => boolean;
  /** A field asked together with the code (the IIN when blocking), and its check before sending. */
  extraField?: ReactNode;
  checkExtra?: () => boolean;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsNewCode, setNeedsNewCode] = useState(false);
  const resendIn = useSecondsUntil(resendAvailableAt);

  /** Shows the error under the code field; false when the page took care of it. */
  const fail = (err: unknown): boolean => {
    if (handled(err)) return false;
    setError(describe(err));
    if (err instanceof ApiError && ['OTP_EXPIRED', 'OTP_ATTEMPTS_EXCEEDED'].includes(err.code)) setNeedsNewCode(true);
    return true;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    if (code.length !== CODE_LENGTH) {
      setError(t('code.incomplete'));
      input.current?.focus();
      return;
    }
    if (!checkExtra()) return;
    setBusy(true);
    setError(null);
    let shown = true;
    try {
      await onSubmit(code);
      return;
    } catch (err) {
      shown = fail(err);
    }
    setBusy(false);
    // The code stays, selected: the citizen sees what was sent, fixes one digit or types over it.
    if (shown) {
      input.current?.focus();
      input.current?.select();
    }
  };

  const resend = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await onResend();
      setNeedsNewCode(false);
      setCode('');
      setNotice(texts.resent);
    } catch (err) {
      fail(err);
    }
    setBusy(false);
    input.current?.focus();
  };

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{texts.title}</StepHeading>
      <p>{texts.sentTo}</p>
      {texts.hint && <p className="hint">{texts.hint}</p>}
      <div className="field">
        <label htmlFor={id}>{texts.label}</label>
        <input
          ref={input}
          id={id}
          name="otp"
          className="code-input"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={CODE_LENGTH}
          value={code}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-error`}
          onChange={(event) => {
            setCode(event.target.value.replace(/\D/g, '').slice(0, CODE_LENGTH));
            setError(null);
          }}
        />
        <ErrorText id={`${id}-error`} message={error} />
      </div>
      {extraField}
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      <button type="submit" className="primary" disabled={busy || needsNewCode}>
        {busy ? t('common.sending') : texts.submit}
      </button>
      <div className="resend">
        {resendIn > 0 ? (
          <p className="countdown" aria-live="off">
            {texts.resendIn(formatDuration(resendIn))}
          </p>
        ) : (
          <button type="button" className="link-button" disabled={busy} onClick={() => void resend()}>
            {texts.resend}
          </button>
        )}
        <button type="button" className="link-button" onClick={onChangePhone}>
          {texts.changePhone}
        </button>
      </div>
    </form>
  );
}
