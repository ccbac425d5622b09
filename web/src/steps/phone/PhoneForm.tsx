// The phone form of the wizard, of sign-in and of "block my Digital ID": one masked field (+7 (7xx)
// xxx-xx-xx) whose key-by-key reading is a security fix (a leading 8, +7 or 7 is a prefix, never the
// operator code), so every page that asks for a phone number uses this one.
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText.js';
import { StepHeading } from '../../components/StepHeading.js';
import { normalizeKzMobile } from '../../../../src/phone/phone.rules.js';
import { applyEdit, caretAfterDigits, formatMasked, fromWhole, nationalDigits, PHONE_MASK, typedFromE164, type Typed } from './phone-mask.js';

export interface PhoneFormTexts {
  title: string;
  intro: string;
  label: string;
  hint: string;
  submit: string;
}

export function PhoneForm({
  id = 'phone',
  texts,
  initialPhone,
  onSubmit,
  describe,
  before,
  after,
}: {
  /** The field's id (its hint and error take it as a prefix). */
  id?: string;
  texts: PhoneFormTexts;
  initialPhone?: string;
  /** Called with the E.164 number; a thrown error is shown under the field. */
  onSubmit: (phone: string) => Promise<void>;
  describe: (error: unknown) => string;
  before?: ReactNode;
  after?: ReactNode;
}) {
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
      await onSubmit(phone);
    } catch (err) {
      setError(describe(err));
      setBusy(false);
      input.current?.focus();
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      {before}
      <StepHeading>{texts.title}</StepHeading>
      <p>{texts.intro}</p>
      <div className="field">
        <label htmlFor={id}>{texts.label}</label>
        <input
          ref={input}
          id={id}
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          placeholder={PHONE_MASK}
          value={shown}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint ${id}-error`}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          onChange={(event) => setTyped(fromWhole(event.target.value))}
        />
        <p id={`${id}-hint`} className="hint">
          {texts.hint}
        </p>
        <ErrorText id={`${id}-error`} message={error} />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('common.sending') : texts.submit}
      </button>
      {after}
    </form>
  );
}
