// The citizen's registration wizard: one step at a time, driven by the registration's state on the server.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type RegistrationState } from './api.js';
import { AssistantButton } from './components/AssistantButton.js';
import { Layout } from './components/Layout.js';
import { loadSession, saveSession, type Session } from './session.js';
import { BmgMismatchStep } from './steps/bmg-mismatch/BmgMismatchStep.js';
import { CameraStep } from './steps/camera/CameraStep.js';
import { CodeStep } from './steps/code/CodeStep.js';
import { DoneStep, RejectedStep, ReviewStep } from './steps/done/DoneStep.js';
import { IinStep } from './steps/iin/IinStep.js';
import { PhoneStep } from './steps/phone/PhoneStep.js';
import { VideoCheckStep } from './steps/video-check/VideoCheckStep.js';

type Step = 'restoring' | 'phone' | 'code' | 'iin' | 'bmgMismatch' | 'camera' | 'videoCheck' | 'review' | 'done' | 'rejected';

const STEP_NUMBER: Record<Step, number | null> = {
  restoring: null,
  phone: 1,
  code: 2,
  iin: 3,
  bmgMismatch: 3,
  camera: 4,
  videoCheck: 5,
  review: 6,
  done: 6,
  rejected: null,
};
const TOTAL_STEPS = 6;

function stepForState(state: RegistrationState): Step {
  switch (state) {
    case 'AWAITING_OTP':
      return 'code';
    case 'AWAITING_IIN':
      return 'iin';
    case 'AWAITING_VIDEO_CHECK':
      return 'camera';
    case 'UNDER_REVIEW':
      return 'review';
    case 'COMPLETED':
      return 'done';
    case 'REJECTED':
      return 'rejected';
  }
}

export function App() {
  const { t } = useTranslation();
  const [session, setSessionState] = useState<Session | null>(loadSession);
  const [step, setStep] = useState<Step>(() => (loadSession() ? 'restoring' : 'phone'));
  const [bmgIin, setBmgIin] = useState('');
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // "Change the number" comes back to the phone step with the number still there to correct.
  const [lastPhone, setLastPhone] = useState<string | undefined>(undefined);
  const firstStep = useRef(true);

  const setSession = (next: Session | null) => {
    saveSession(next);
    setSessionState(next);
  };

  // After a reload, continue where the registration is.
  useEffect(() => {
    if (step !== 'restoring' || !session) return;
    api
      .get(session.id, session.token)
      .then((registration) => {
        if (registration.person?.maskedName) setSession({ ...session, maskedName: registration.person.maskedName });
        setStep(stepForState(registration.state));
      })
      .catch((error) => {
        if (error instanceof ApiError && error.code === 'NETWORK') return setStep('phone');
        setSession(null);
        setStep('phone');
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Move focus to the new step's heading so keyboard and screen-reader users start at its top.
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    document.getElementById('step-heading')?.focus();
  }, [step]);

  // The camera stays open from the permission step through the video check, and closes after.
  useEffect(() => {
    if (stream && step !== 'camera' && step !== 'videoCheck') {
      stream.getTracks().forEach((track) => track.stop());
      setStream(null);
    }
  }, [step, stream]);

  const startOver = (message: string | null = null) => {
    setSession(null);
    setNotice(message);
    setStep('phone');
  };

  let content;
  switch (step) {
    case 'restoring':
      content = <p role="status">{t('common.sending')}</p>;
      break;
    case 'phone':
      content = (
        <>
          {notice && (
            <p className="notice" role="alert">
              {notice}
            </p>
          )}
          <PhoneStep
            initialPhone={session?.phone ?? lastPhone}
            onStarted={(phone, started) => {
              setNotice(null);
              setLastPhone(phone);
              setSession({ id: started.id, token: started.token, phone, otp: started.otp });
              setStep('code');
            }}
          />
        </>
      );
      break;
    case 'code':
      content = session && (
        <CodeStep
          session={session}
          onOtpChanged={(otp) => setSession({ ...session, otp })}
          onVerified={() => setStep('iin')}
          onChangePhone={() => startOver()}
          onSessionLost={startOver}
        />
      );
      break;
    case 'iin':
      content = session && (
        <IinStep
          session={session}
          onConfirmed={(iin, maskedName) => {
            setSession({ ...session, iin, maskedName });
            setStep('camera');
          }}
          onBmgMismatch={(iin) => {
            setBmgIin(iin);
            setStep('bmgMismatch');
          }}
          onSessionLost={startOver}
        />
      );
      break;
    case 'bmgMismatch':
      content = <BmgMismatchStep onStartOver={() => startOver()} />;
      break;
    case 'camera':
      content = (
        <CameraStep
          maskedName={session?.maskedName}
          onCamera={(opened) => {
            setStream(opened);
            setStep('videoCheck');
          }}
        />
      );
      break;
    case 'videoCheck':
      content =
        session && stream ? (
          <VideoCheckStep session={session} stream={stream} onPassed={() => setStep('done')} onUnderReview={() => setStep('review')} onSessionLost={startOver} />
        ) : null;
      break;
    case 'review':
      content = session && <ReviewStep phone={session.phone} />;
      break;
    case 'done':
      content = <DoneStep maskedName={session?.maskedName} />;
      break;
    case 'rejected':
      content = <RejectedStep onStartOver={() => startOver()} />;
      break;
  }

  return (
    <Layout step={STEP_NUMBER[step]} total={TOTAL_STEPS} aside={step === 'bmgMismatch' && session ? <AssistantButton session={session} iin={bmgIin} /> : undefined}>
      {content}
    </Layout>
  );
}
