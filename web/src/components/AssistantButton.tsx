// The green "virtual assistant" button wherever BMG does not link a number to the IIN (the registration's
// BMG-mismatch page, a change of the Digital ID's phone): it asks a service-centre operator to link the
// phone to the IIN in the Mobile Citizens Database. `send` opens the ticket (the assistant domain's API);
// when it is not reachable the panel says so and points to a service centre instead of failing.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';
import { maskPhone } from '../format.js';

type Status = { kind: 'idle' } | { kind: 'sending' } | { kind: 'sent'; ticket: string } | { kind: 'unavailable' } | { kind: 'error'; message: string };

export function AssistantButton({ phone, iin, send: open }: { phone: string; iin: string; send: () => Promise<{ id?: string } | undefined> }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const send = async () => {
    setStatus({ kind: 'sending' });
    try {
      const ticket = await open();
      // The ticket id is a UUID; its first block is enough to quote to the support centre.
      setStatus({ kind: 'sent', ticket: String(ticket?.id ?? '').slice(0, 8).toUpperCase() });
    } catch (error) {
      const missing = error instanceof ApiError && (error.status === 404 || error.status === 405 || error.status === 501 || error.status === 0 || error.status >= 500);
      setStatus(missing ? { kind: 'unavailable' } : { kind: 'error', message: error instanceof ApiError && error.serverMessage ? error.serverMessage : t('assistant.unavailable') });
    }
  };

  return (
    <>
      <div className="assistant-dock">
        <button type="button" className="assistant-button" aria-haspopup="dialog" onClick={() => dialog.current?.showModal()}>
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M12 3C6.5 3 2 6.9 2 11.7c0 2.4 1.1 4.6 3 6.2L4 22l4.4-2.2c1.1.3 2.3.5 3.6.5 5.5 0 10-3.9 10-8.6S17.5 3 12 3z" />
          </svg>
          <span>{t('assistant.button')}</span>
        </button>
      </div>
      <dialog ref={dialog} className="modal assistant-panel" aria-labelledby="assistant-title">
        <h2 id="assistant-title">{t('assistant.title')}</h2>
        <p>{t('assistant.intro', { phone: maskPhone(phone), iin })}</p>
        <div role="status" aria-live="polite">
          {status.kind === 'sent' && <p className="success">{t('assistant.sent', { ticket: status.ticket || '—' })}</p>}
          {status.kind === 'unavailable' && <p className="notice">{t('assistant.unavailable')}</p>}
          {status.kind === 'error' && <p className="error">{status.message}</p>}
        </div>
        <div className="actions">
          {status.kind !== 'sent' && status.kind !== 'unavailable' && (
            <button type="button" className="primary" disabled={status.kind === 'sending'} onClick={() => void send()}>
              {status.kind === 'sending' ? t('common.sending') : t('assistant.submit')}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            {t('assistant.close')}
          </button>
        </div>
      </dialog>
    </>
  );
}
