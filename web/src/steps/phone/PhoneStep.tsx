import { useTranslation } from 'react-i18next';
import { api, type StartedRegistration } from '../../api.js';
import { describeError } from '../../format.js';
import { PhoneForm } from './PhoneForm.js';

export function PhoneStep({ initialPhone, onStarted }: { initialPhone?: string; onStarted: (phone: string, started: StartedRegistration) => void }) {
  const { t } = useTranslation();
  return (
    <PhoneForm
      texts={{ title: t('phone.title'), intro: t('phone.intro'), label: t('phone.label'), hint: t('phone.hint'), submit: t('phone.submit') }}
      initialPhone={initialPhone}
      describe={(err) => describeError(t, err)}
      onSubmit={async (phone) => onStarted(phone, await api.start(phone))}
    />
  );
}
