// Block my Digital ID without signing in (a lost or stolen phone): phone → the SMS code and the IIN →
// blocked: every session has ended, every sign-in is refused until a service centre unblocks it. The
// profile's "Block" (signed in) ends on the same confirmation.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';
import { ErrorText } from '../components/ErrorText.js';
import { StepHeading } from '../components/StepHeading.js';
import { formatPhone } from '../format.js';
import { CodeForm } from '../steps/code/CodeForm.js';
import { PhoneForm } from '../steps/phone/PhoneForm.js';
import { validateIin } from '../../../src/iin/iin.rules.js';
import { accountApi } from './accountApi.js';
import { describeAccountError } from './errors.js';
import { signinGone, type StartedSignin } from './SigninPage.js';

const IIN_ERRORS = ['IIN_FORMAT', 'IIN_CHECKSUM', 'IIN_DATE'];

/** A wrong IIN spends the code (it is a guess at someone's Digital ID): only a new code helps. */
function needsNewSignin(err: unknown): boolean {
  return signinGone(err) || (err instanceof ApiError && err.code === 'DIGITAL_ID_IIN_MISMATCH');
}

export function BlockPage({ done, onBlocked, onSignin }: { done: boolean; onBlocked: () => void; onSignin: () => void }) {
  const { t } = useTranslation();
  const [started, setStarted] = useState<StartedSignin | null>(null);
  const [lastPhone, setLastPhone] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [iin, setIin] = useState('');
  const [iinError, setIinError] = useState<string | null>(null);
  const iinInput = useRef<HTMLInputElement>(null);
  const describe = (err: unknown) => describeAccountError(t, err);
  useEffect(() => {
    document.title = `${t(done ? 'account:block.doneTitle' : 'account:block.title')} · ${t('app.name')}`;
  }, [done, t]);
  useEffect(() => {
    if (done) document.getElementById('step-heading')?.focus({ preventScroll: true });
  }, [done]);

  if (done) return <BlockedNotice onSignin={onSignin} />;

  if (started) {
    const iinField = (
      <div className="field">
        <label htmlFor="block-iin">{t('account:block.iin')}</label>
        <input
          ref={iinInput}
          id="block-iin"
          name="iin"
          className="iin-input"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          maxLength={12}
          value={iin}
          aria-invalid={iinError ? true : undefined}
          aria-describedby="block-iin-hint block-iin-error"
          onChange={(event) => {
            setIin(event.target.value.replace(/\D/g, '').slice(0, 12));
            setIinError(null);
          }}
        />
        <p id="block-iin-hint" className="hint">
          {t('iin.hint')} · {iin.length}/12
        </p>
        <ErrorText id="block-iin-error" message={iinError} />
      </div>
    );
    return (
      <CodeForm
        id="block-code"
        texts={{
          title: t('account:block.codeTitle'),
          sentTo: t('account:block.codeIntro', { phone: formatPhone(started.phone) }),
          label: t('account:code.label'),
          submit: t('account:block.submit'),
          resent: t('code.resent'),
          resend: t('account:code.resend'),
          resendIn: (time) => t('account:code.resendIn', { time }),
          changePhone: t('account:code.otherNumber'),
        }}
        resendAvailableAt={started.otp.resendAvailableAt}
        describe={describe}
        extraField={iinField}
        checkExtra={() => {
          const check = validateIin(iin);
          if (check.ok) return true;
          setIinError(t(`errors.${check.code}`));
          iinInput.current?.focus();
          return false;
        }}
        handled={(err) => {
          if (needsNewSignin(err)) {
            setNotice(describe(err));
            setLastPhone(started.phone);
            setStarted(null);
            return true;
          }
          if (err instanceof ApiError && IIN_ERRORS.includes(err.code)) {
            setIinError(describe(err));
            iinInput.current?.focus();
            return true;
          }
          return false;
        }}
        onSubmit={async (code) => {
          await accountApi.blockWithCode(started.id, code, iin);
          onBlocked();
        }}
        onResend={async () => setStarted({ ...started, otp: (await accountApi.resendCode(started.id)).otp })}
        onChangePhone={() => {
          setLastPhone(started.phone);
          setNotice(null);
          setStarted(null);
        }}
      />
    );
  }

  return (
    <PhoneForm
      id="block-phone"
      texts={{ title: t('account:block.title'), intro: t('account:block.intro'), label: t('account:signin.phone'), hint: t('account:signin.phoneHint'), submit: t('account:signin.submit') }}
      initialPhone={lastPhone}
      describe={describe}
      onSubmit={async (phone) => {
        const answer = await accountApi.startSignin(phone);
        setStarted({ id: answer.id, phone, otp: answer.otp });
      }}
      before={
        notice && (
          <p className="error" role="alert">
            {notice}
          </p>
        )
      }
      after={
        <>
          <p className="hint account-switch">{t('account:block.whatHappens')}</p>
          <p className="account-switch">
            <a
              href="/signin"
              onClick={(event) => {
                event.preventDefault();
                onSignin();
              }}
            >
              {t('account:block.back')}
            </a>
          </p>
        </>
      }
    />
  );
}

/** The Digital ID is blocked: what that means and how to get it unblocked. */
function BlockedNotice({ onSignin }: { onSignin: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="blocked">
      <StepHeading>{t('account:block.doneTitle')}</StepHeading>
      <p role="status">{t('account:block.doneText')}</p>
      <h2>{t('account:block.unblockTitle')}</h2>
      <p>{t('account:block.unblockText')}</p>
      <p className="account-switch">
        <a
          href="/signin"
          onClick={(event) => {
            event.preventDefault();
            onSignin();
          }}
        >
          {t('account:block.toSignin')}
        </a>
      </p>
    </div>
  );
}
