import { useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type StartedRegistration } from '../../api.js';
import { ErrorText } from '../../components/ErrorText.js';
import { describeError } from '../../format.js';
import { StepHeading } from '../../components/StepHeading.js';
import { caretAfterDigits, digitsFromInput, digitsFromNumber, formatMasked, PHONE_MASK, toE164 } from './phone-mask.js';

export function PhoneStep({ initialPhone, onStarted }: { initialPhone?: string; onStarted: (phone: string, started: StartedRegistration) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [digits, setDigits] = useState(() => (initialPhone ? digitsFromNumber(initialPhone) : ''));
  const [focused, setFocused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = digits.length === 0 && !focused ? '' : formatMasked(digits);

  useLayoutEffect(() => {
    const el = input.current;
    if (el && focused && document.activeElement === el) {
      const caret = caretAfterDigits(digits);
      el.setSelectionRange(caret, caret);
    }
  }, [digits, focused]);

  // Backspace right after a separator would only delete the separator, which the mask puts back.
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const el = event.currentTarget;
    if (event.key === 'Backspace' && digits.length > 0 && el.selectionStart === el.selectionEnd) {
      event.preventDefault();
      setDigits(digits.slice(0, -1));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (digits.length !== 9) {
      setError(t('phone.incomplete'));
      input.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    const phone = toE164(digits);
    try {
      onStarted(phone, await api.start(phone));
    } catch (err) {
      setError(describeError(t, err));
      setBusy(false);
      input.current?.focus();
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <StepHeading>{t('phone.title')}</StepHeading>
      <p>{t('phone.intro')}</p>
      <div className="field">
        <label htmlFor="phone">{t('phone.label')}</label>
        <input
          ref={input}
          id="phone"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          placeholder={PHONE_MASK}
          value={shown}
          aria-invalid={error ? true : undefined}
          aria-describedby="phone-hint phone-error"
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          onKeyDown={onKeyDown}
          onPaste={(event) => {
            event.preventDefault();
            setDigits(digitsFromNumber(event.clipboardData.getData('text')));
          }}
          onChange={(event) => setDigits(digitsFromInput(event.target.value, digits))}
        />
        <p id="phone-hint" className="hint">
          {t('phone.hint')}
        </p>
        <ErrorText id="phone-error" message={error} />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('common.sending') : t('phone.submit')}
      </button>
    </form>
  );
}
