import { useTranslation } from 'react-i18next';
import { api, ApiError, type OtpTiming } from '../../api.js';
import { describeError, formatPhone } from '../../format.js';
import type { Session } from '../../session.js';
import { CodeForm } from './CodeForm.js';

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
  return (
    <CodeForm
      texts={{
        title: t('code.title'),
        sentTo: t('code.sentTo', { phone: formatPhone(session.phone) }),
        hint: t('code.smsHint'),
        label: t('code.label'),
        submit: t('code.submit'),
        resent: t('code.resent'),
        resend: t('code.resend'),
        resendIn: (time) => t('code.resendIn', { time }),
        changePhone: t('code.changePhone'),
      }}
      resendAvailableAt={session.otp?.resendAvailableAt}
      describe={(err) => describeError(t, err)}
      handled={(err) => {
        if (!(err instanceof ApiError) || !['UNAUTHORIZED', 'REGISTRATION_NOT_FOUND', 'REGISTRATION_EXPIRED', 'INVALID_STATE'].includes(err.code)) return false;
        onSessionLost(describeError(t, err));
        return true;
      }}
      onSubmit={async (code) => {
        await api.verifyOtp(session.id, session.token, code);
        onVerified();
      }}
      onResend={async () => onOtpChanged((await api.resendOtp(session.id, session.token)).otp)}
      onChangePhone={onChangePhone}
    />
  );
}
