// Sign-in with an SMS code: phone → code → the profile. The same page for every number: whether it has
// a Digital ID only shows in the SMS the phone receives.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type OtpTiming } from '../api.js';
import { formatPhone } from '../format.js';
import { CodeForm } from '../steps/code/CodeForm.js';
import { PhoneForm } from '../steps/phone/PhoneForm.js';
import { accountApi } from './accountApi.js';
import { describeAccountError } from './errors.js';
import { PasskeySignin } from './PasskeySignin.js';

export interface StartedSignin {
  id: string;
  phone: string;
  otp: OtpTiming;
}

/** A sign-in that is gone (not found, expired or finished): only a new one helps. */
export function signinGone(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'SIGNIN_NOT_FOUND' || err.code === 'SIGNIN_EXPIRED');
}

export function SigninPage({ notice, onSignedIn, onBlock }: { notice: string | null; onSignedIn: () => void; onBlock: () => void }) {
  const { t } = useTranslation();
  const [started, setStarted] = useState<StartedSignin | null>(null);
  const [lastPhone, setLastPhone] = useState<string | undefined>(undefined);
  const [shownNotice, setShownNotice] = useState(notice);
  useEffect(() => setShownNotice(notice), [notice]);
  useEffect(() => {
    document.title = `${t(started ? 'account:titles.code' : 'account:titles.signin')} · ${t('app.name')}`;
  }, [started, t]);
  const describe = (err: unknown) => describeAccountError(t, err);

  if (started) {
    return (
      <CodeForm
        id="signin-code"
        texts={{
          title: t('account:code.title'),
          sentTo: t('account:code.intro', { phone: formatPhone(started.phone) }),
          label: t('account:code.label'),
          submit: t('account:code.submit'),
          resent: t('code.resent'),
          resend: t('account:code.resend'),
          resendIn: (time) => t('account:code.resendIn', { time }),
          changePhone: t('account:code.otherNumber'),
        }}
        resendAvailableAt={started.otp.resendAvailableAt}
        describe={describe}
        handled={(err) => {
          if (!signinGone(err)) return false;
          setShownNotice(describe(err));
          setStarted(null);
          return true;
        }}
        onSubmit={async (code) => {
          await accountApi.verifyCode(started.id, code);
          onSignedIn();
        }}
        onResend={async () => setStarted({ ...started, otp: (await accountApi.resendCode(started.id)).otp })}
        onChangePhone={() => {
          setLastPhone(started.phone);
          setShownNotice(null);
          setStarted(null);
        }}
      />
    );
  }
  return (
    <PhoneForm
      id="signin-phone"
      texts={{ title: t('account:signin.title'), intro: t('account:signin.intro'), label: t('account:signin.phone'), hint: t('account:signin.phoneHint'), submit: t('account:signin.submit') }}
      initialPhone={lastPhone}
      describe={describe}
      onSubmit={async (phone) => {
        const answer = await accountApi.startSignin(phone);
        setStarted({ id: answer.id, phone, otp: answer.otp });
      }}
      before={
        shownNotice && (
          <p className="notice" role="status">
            {shownNotice}
          </p>
        )
      }
      after={
        <>
          <PasskeySignin onSignedIn={onSignedIn} />
          <p className="account-switch">
            {t('account:signin.noId')} <a href="/">{t('account:signin.register')}</a>
          </p>
          <p className="account-switch">
            <a
              href="/block"
              onClick={(event) => {
                event.preventDefault();
                onBlock();
              }}
            >
              {t('account:block.link')}
            </a>
          </p>
        </>
      }
    />
  );
}
