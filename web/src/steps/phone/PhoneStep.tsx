import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type StartedRegistration } from '../../api.js';
import { ErrorText } from '../../components/ErrorText.js';
import { describeError } from '../../format.js';
import { StepHeading } from '../../components/StepHeading.js';
import { normalizeKzMobile } from '../../../../src/phone/phone.rules.js';
import { applyEdit, caretAfterDigits, formatMasked, fromWhole, nationalDigits, PHONE_MASK, typedFromE164, type Typed } from './phone-mask.js';

export function PhoneStep({ initialPhone, onStarted }: { initialPhone?: string; onStarted: (phone: string, started: StartedRegistration) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState<Typed>(() => (initialPhone ? typedFromE164(initialPhone) : ''));
  const [focused, setFocused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const national = nationalDigits(typed);
  const shown = national.length === 0 && !focused ? '' : formatMasked(national);
  // The native listener below reads the latest values without re-subscribing on each key.
  const latest = useRef({ typed, shown });
  latest.current = { typed, shown };

  useLayoutEffect(() => {
    const el = input.current;
    if (el && focused && document.activeElement === el) {
      const caret = caretAfterDigits(national);
      el.setSelectionRange(caret, caret);
    }
  }, [typed, focused, national]);

  // Every edit is announced before the browser applies it (beforeinput): the field applies it to what
  // was typed instead, so "8", "+7" or "7" typed first is read as a prefix, not as the operator code.
  // Edits the browser does not announce this way (autofill, some keyboards' composition) arrive in
  // onChange and are read as a whole number.
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    const onBeforeInput = (event: InputEvent) => {
      const { typed: current, shown: text } = latest.current;
      const selection = { start: el.selectionStart ?? text.length, end: el.selectionEnd ?? text.length };
      let edit: Parameters<typeof applyEdit>[2] | null = null;
      if (event.inputType === 'insertText' || event.inputType === 'insertReplacementText' || event.inputType === 'insertFromPaste' || event.inputType === 'insertFromDrop') {
        const data = event.data ?? event.dataTransfer?.getData('text/plain') ?? '';
        edit = { kind: 'insert', text: data };
      } else if (event.inputType.startsWith('deleteContentBackward') || event.inputType.startsWith('deleteWordBackward') || event.inputType === 'deleteSoftLineBackward' || event.inputType === 'deleteHardLineBackward') {
        edit = { kind: 'deleteBackward' };
      } else if (event.inputType.startsWith('deleteContentForward') || event.inputType.startsWith('deleteWordForward') || event.inputType === 'deleteByCut') {
        edit = { kind: 'deleteForward' };
      }
      if (!edit || !event.cancelable) return;
      event.preventDefault();
      setTyped(applyEdit(current, text, edit, selection));
      setError(null);
    };
    el.addEventListener('beforeinput', onBeforeInput);
    return () => el.removeEventListener('beforeinput', onBeforeInput);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (national.length !== 10) {
      setError(t('phone.incomplete'));
      input.current?.focus();
      return;
    }
    const phone = normalizeKzMobile(`+7${national}`);
    if (!phone) {
      setError(t('errors.PHONE_INVALID'));
      input.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
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
          onChange={(event) => setTyped(fromWhole(event.target.value))}
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
