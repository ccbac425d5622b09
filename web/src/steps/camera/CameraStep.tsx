import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StepHeading } from '../../components/StepHeading.js';
import { browserFamily, cameraAvailable, classifyCameraError, openCamera, type CameraProblem } from './camera.js';

const DENIED_KEYS = {
  chrome: 'camera.deniedChrome',
  edge: 'camera.deniedEdge',
  firefox: 'camera.deniedFirefox',
  safariIos: 'camera.deniedSafariIos',
  safariMac: 'camera.deniedSafariMac',
  samsung: 'camera.deniedSamsung',
  other: 'camera.deniedOther',
} as const;

export function CameraStep({ maskedName, onCamera }: { maskedName?: string; onCamera: (stream: MediaStream) => void }) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<CameraProblem | null>(() => (cameraAvailable() ? null : 'insecure'));
  const [asking, setAsking] = useState(false);

  const ask = async () => {
    setAsking(true);
    setProblem(null);
    try {
      onCamera(await openCamera());
    } catch (error) {
      setProblem(classifyCameraError(error));
      setAsking(false);
    }
  };

  return (
    <section>
      <StepHeading>{problem === 'denied' ? t('camera.deniedTitle') : t('camera.title')}</StepHeading>
      {maskedName && !problem && <p className="success">{t('camera.found', { name: maskedName })}</p>}
      <div role="alert" className="problem">
        {problem === 'denied' && (
          <>
            <p>{t('camera.deniedIntro')}</p>
            <p className="instructions">{t(DENIED_KEYS[browserFamily()])}</p>
          </>
        )}
        {problem && problem !== 'denied' && <p>{t(`camera.${problem}`)}</p>}
      </div>
      {problem !== 'denied' && (
        <>
          <p>{t('camera.intro')}</p>
          <p>{t('camera.why')}</p>
          <p className="hint">{t('camera.tips')}</p>
        </>
      )}
      {problem !== 'insecure' && (
        <button type="button" className="primary" disabled={asking} onClick={() => void ask()}>
          {asking ? t('camera.requesting') : problem ? t('camera.tryAgain') : t('camera.allow')}
        </button>
      )}
    </section>
  );
}
