import { useTranslation } from 'react-i18next';
import { StepHeading } from '../../components/StepHeading.js';

export function BmgMismatchStep({ onStartOver }: { onStartOver: () => void }) {
  const { t } = useTranslation();
  return (
    <section>
      <StepHeading>{t('bmg.title')}</StepHeading>
      <p className="notice" role="alert">
        {t('errors.BMG_PHONE_MISMATCH')}
      </p>
      <p>{t('bmg.what')}</p>
      <h2>{t('bmg.howTitle')}</h2>
      <ol className="steps-list">
        <li>{t('bmg.howAssistant')}</li>
        <li>{t('bmg.howEgov')}</li>
      </ol>
      <p>{t('bmg.after')}</p>
      <button type="button" className="secondary" onClick={onStartOver}>
        {t('common.startOver')}
      </button>
    </section>
  );
}
