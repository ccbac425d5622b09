// The profile's services: each service the citizen let see their data (what it may see, since when),
// and "Revoke access", which ends its grant, codes and tokens at once (GET/DELETE /api/v1/me/services).
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type Reply } from '../api.js';
import { csrfHeaders } from '../account/accountApi.js';
import { describeAccountError } from '../account/errors.js';
import { ErrorText } from '../components/ErrorText.js';
import './i18n.js';
import './oidc.css';

type ServiceView = Reply<'GET /api/v1/me/services', 200>['services'][number];

const servicesApi = {
  list: () => call<Reply<'GET /api/v1/me/services', 200>>('GET', '/api/v1/me/services'),
  revoke: (clientId: string) => call<null>('DELETE', `/api/v1/me/services/${encodeURIComponent(clientId)}`, { headers: csrfHeaders() }),
};

const KNOWN = ['openid', 'profile', 'phone', 'iin', 'offline_access'];

export function ServicesSection({ formatTime, onFailure }: { formatTime: (iso: string) => string; onFailure: (err: unknown) => boolean }) {
  const { t } = useTranslation('oidc');
  const [services, setServices] = useState<ServiceView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setServices((await servicesApi.list()).services);
    } catch (err) {
      if (!onFailure(err)) setError(describeAccountError(t, err));
    }
  }, [onFailure, t]);
  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (service: ServiceView) => {
    if (!window.confirm(t('services.revokeConfirm', { name: service.name }))) return;
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      await servicesApi.revoke(service.clientId);
      setStatus(t('services.revoked', { name: service.name }));
      await load();
    } catch (err) {
      if (!onFailure(err)) setError(describeAccountError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="profile-services">
      <h2 id="profile-services">{t('services.title')}</h2>
      <p>{t('services.intro')}</p>
      {status && (
        <p className="success" role="status">
          {status}
        </p>
      )}
      {services && services.length === 0 && <p className="hint">{t('services.none')}</p>}
      <ul className="service-list">
        {services?.map((service) => (
          <li key={service.clientId} className="session-item service-item" data-client-id={service.clientId}>
            <p className="session-device">
              <strong>{service.name}</strong>
            </p>
            <p className="hint">{t('services.since', { time: formatTime(service.since) })}</p>
            <p className="service-sees">{t('services.sees')}</p>
            <ul className="service-scopes">
              {service.scopes.map((scope) => (
                <li key={scope}>{KNOWN.includes(scope) ? t(`scopes.${scope}.title`) : scope}</li>
              ))}
            </ul>
            <div className="item-actions">
              {service.policyUri && (
                <a href={service.policyUri} target="_blank" rel="noopener noreferrer" className="link-button">
                  {t('services.policy')}
                  <span className="visually-hidden"> {t('consent.opensNewTab')}</span>
                </a>
              )}
              <button type="button" className="link-button danger" disabled={busy} onClick={() => void revoke(service)}>
                {t('services.revoke')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <ErrorText id="services-error" message={error} />
    </section>
  );
}
