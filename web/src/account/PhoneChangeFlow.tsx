// "Change phone number": the new number → a code sent to it → changed. It needs a face step-up within
// 15 minutes (the server answers STEP_UP_REQUIRED otherwise: the profile runs the step-up, then comes
// back here); a number BMG does not link to the IIN shows how to link it, with the virtual assistant
// (the registration's green button) asking a service-centre operator to link it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';
import { formatPhone } from '../format.js';
import { CodeForm } from '../steps/code/CodeForm.js';
import { PhoneForm } from '../steps/phone/PhoneForm.js';
import { accountApi } from './accountApi.js';
import { AssistantButton } from '../components/AssistantButton.js';
import { describeAccountError } from './errors.js';

type Phase = { kind: 'phone'; phone?: string } | { kind: 'code'; id: string; phone: string; resendAvailableAt: string } | { kind: 'bmg'; phone: string };

const isCode = (err: unknown, ...codes: string[]) => err instanceof ApiError && codes.includes(err.code);

export function PhoneChangeFlow({
  iinMasked,
  onChanged,
  onCancel,
  onNeedStepUp,
  onSignedOut,
}: {
  /** The Digital ID's IIN as the profile shows it, named in the assistant's request. */
  iinMasked: string;
  onChanged: (phoneMasked: string) => void;
  onCancel: () => void;
  onNeedStepUp: () => void;
  onSignedOut: (message: string) => void;
}) {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'phone' });
  const describe = (err: unknown) => describeAccountError(t, err);
  /** Errors the flow answers itself: true when taken care of. */
  const redirect = (err: unknown): boolean => {
    if (isCode(err, 'STEP_UP_REQUIRED')) return onNeedStepUp(), true;
    if (isCode(err, 'SESSION_REQUIRED')) return onSignedOut(t('account:errors.SESSION_REQUIRED')), true;
    return false;
  };
  const cancel = (
    <button type="button" className="secondary" onClick={onCancel}>
      {t('account:stepUp.cancel')}
    </button>
  );

  if (phase.kind === 'bmg') {
    return (
      <section className="phone-change">
        <h2>{t('account:phoneChange.bmgTitle')}</h2>
        <p className="notice" role="alert">
          {t('errors.BMG_PHONE_MISMATCH')}
        </p>
        <p>{t('bmg.what')}</p>
        <p>{t('account:phoneChange.bmgHow')}</p>
        <AssistantButton phone={phase.phone} iin={iinMasked} send={() => accountApi.requestPhoneBinding(phase.phone)} />
        <div className="account-actions">
          <button type="button" className="primary" onClick={() => setPhase({ kind: 'phone', phone: phase.phone })}>
            {t('account:phoneChange.otherNumber')}
          </button>
          {cancel}
        </div>
      </section>
    );
  }

  if (phase.kind === 'code') {
    return (
      <section className="phone-change">
        <CodeForm
          id="phone-change-code"
          texts={{
            title: t('account:phoneChange.codeTitle'),
            sentTo: t('account:phoneChange.codeIntro', { phone: formatPhone(phase.phone) }),
            label: t('account:code.label'),
            submit: t('account:phoneChange.codeSubmit'),
            resent: t('code.resent'),
            resend: t('account:code.resend'),
            resendIn: (time) => t('account:code.resendIn', { time }),
            changePhone: t('account:phoneChange.otherNumber'),
          }}
          resendAvailableAt={phase.resendAvailableAt}
          describe={describe}
          handled={(err) => {
            if (redirect(err)) return true;
            if (isCode(err, 'PHONE_CHANGE_EXPIRED', 'PHONE_CHANGE_NOT_FOUND')) return setPhase({ kind: 'phone', phone: phase.phone }), true;
            return false;
          }}
          onSubmit={async (code) => onChanged((await accountApi.verifyPhoneCode(phase.id, code)).phoneMasked)}
          onResend={async () => setPhase({ ...phase, resendAvailableAt: (await accountApi.resendPhoneCode(phase.id)).otp.resendAvailableAt })}
          onChangePhone={() => setPhase({ kind: 'phone', phone: phase.phone })}
        />
        {cancel}
      </section>
    );
  }

  return (
    <section className="phone-change">
      <PhoneForm
        id="new-phone"
        texts={{
          title: t('account:phoneChange.title'),
          intro: t('account:phoneChange.intro'),
          label: t('account:phoneChange.label'),
          hint: t('account:phoneChange.hint'),
          submit: t('account:phoneChange.submit'),
        }}
        initialPhone={phase.phone}
        describe={describe}
        onSubmit={async (phone) => {
          try {
            const started = await accountApi.startPhoneChange(phone);
            setPhase({ kind: 'code', id: started.id, phone, resendAvailableAt: started.otp.resendAvailableAt });
          } catch (err) {
            if (redirect(err)) return;
            if (isCode(err, 'BMG_PHONE_MISMATCH')) return setPhase({ kind: 'bmg', phone });
            throw err;
          }
        }}
        after={cancel}
      />
    </section>
  );
}
