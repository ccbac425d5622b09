// The administrator's view: the latest audit events (who, when, what).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { staffApi, type AuditEvent } from './staffApi.js';
import type { OnError } from './StaffApp.js';
import { formatTime } from './format.js';
import { STAFF_NS } from './i18n.js';

export function AuditPage({ onError }: { onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    staffApi
      .audit(200)
      .then((r) => setEvents(r.events))
      .catch((e) => setError(onError(e)));
  }, [onError]);
  return (
    <section>
      <h1>{t('audit.heading')}</h1>
      {error && <p className="error">{error}</p>}
      {events === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : (
        <table className="staff-table">
          <thead>
            <tr>
              <th>{t('audit.at')}</th>
              <th>{t('audit.type')}</th>
              <th>{t('audit.actor')}</th>
              <th>{t('audit.subject')}</th>
              <th>{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td data-label={t('audit.at')}>{formatTime(e.at)}</td>
                <td data-label={t('audit.type')}>{e.type}</td>
                <td data-label={t('audit.actor')}>{e.actor}</td>
                <td data-label={t('audit.subject')}>{e.subject ?? ''}</td>
                <td data-label={t('audit.details')}>
                  <code>{JSON.stringify(e.details)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
