// Too many failed video checks: the countdown to the end of the lock and what to do meanwhile. Shown
// right after the failing check and, after a reload, straight from the server's lockedUntil.
import { useTranslation } from 'react-i18next';
import { StepHeading } from '../../components/StepHeading.js';
import { formatDuration } from '../../format.js';
import { useSecondsUntil } from '../../hooks.js';

export function LockedStep({ lockedUntil, onRetry }: { lockedUntil: string | null; onRetry: () => void }) {
  const { t } = useTranslation();
  const seconds = useSecondsUntil(lockedUntil);
  return (
    <section className="outcome locked">
      <div className="outcome-icon locked-icon" aria-hidden="true">
        {/* A clock face, drawn: emoji fonts are missing on many phones and desktops. */}
        <svg viewBox="0 0 24 24" width="32" height="32" focusable="false">
          <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="2.2" />
          <path d="M12 7v5l3.5 2.5" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </div>
      <StepHeading>{t('video.lockedTitle')}</StepHeading>
      {seconds > 0 ? (
        <>
          <p className="countdown lock-countdown" role="timer" aria-live="off">
            {t('video.lockedText', { time: formatDuration(seconds) })}
          </p>
          <p className="lock-next">{t('video.lockedNext')}</p>
        </>
      ) : (
        <>
          <p role="status">{t('video.lockedOver')}</p>
          <button type="button" className="primary" onClick={onRetry}>
            {t('video.retry')}
          </button>
        </>
      )}
    </section>
  );
}
