import { useTranslation } from 'react-i18next';
import { StepHeading } from '../../components/StepHeading.js';
import { maskPhone } from '../../format.js';
import { currentLanguage } from '../../i18n/index.js';
import { OpenProfileButton } from '../../account/OpenProfileButton.js';

/** Where a registered citizen goes next: eGov.kz, in the page's language. */
function nextStepUrl(): string {
  return `https://egov.kz/cms/${currentLanguage()}`;
}

export function DoneStep({ maskedName, registration }: { maskedName?: string; registration?: { id: string; token: string } }) {
  const { t } = useTranslation();
  return (
    <section className="outcome">
      <div className="outcome-icon success-icon" aria-hidden="true">
        ✓
      </div>
      <StepHeading>{t('done.title')}</StepHeading>
      {maskedName && <p className="lead">{t('done.greeting', { name: maskedName })}</p>}
      <p>{t('done.text')}</p>
      {registration && <OpenProfileButton registration={registration} />}
      <h2>{t('done.nextTitle')}</h2>
      <p>{t('done.next')}</p>
      <a className="primary button-link" href={nextStepUrl()}>
        {t('done.nextLink')}
      </a>
    </section>
  );
}

export function ReviewStep({ phone }: { phone: string }) {
  const { t } = useTranslation();
  return (
    <section className="outcome">
      <div className="outcome-icon review-icon" aria-hidden="true">
        …
      </div>
      <StepHeading>{t('video.reviewTitle')}</StepHeading>
      <p>{t('video.reviewText', { phone: maskPhone(phone) })}</p>
    </section>
  );
}

export function RejectedStep({ onStartOver }: { onStartOver: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="outcome">
      <StepHeading>{t('rejected.title')}</StepHeading>
      <p>{t('rejected.text')}</p>
      <button type="button" className="secondary" onClick={onStartOver}>
        {t('common.startOver')}
      </button>
    </section>
  );
}
