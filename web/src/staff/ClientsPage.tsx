// The administrator's services (OpenID Connect clients): the list with what each may ask for, disable or
// enable one (a disabled service is refused at once), and edit its name, addresses, scopes and links.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { staffApi, type OidcClientChanges, type OidcClientForStaff } from './staffApi.js';
import type { OnError } from './StaffApp.js';
import { formatTime } from './format.js';
import { STAFF_NS } from './i18n.js';
import { ErrorLine, ListBody, useAction } from './parts.js';

const SCOPES = ['openid', 'profile', 'phone', 'iin', 'offline_access'] as const;

const TEXTS = {
  en: {
    nav: { clients: 'Services (OpenID Connect)' },
    clients: {
      heading: 'Services that sign citizens in with Digital ID',
      intro: 'Register a service with npm run oidc:client. Here you can edit it or disable it: a disabled service is refused at once.',
      name: 'Name', clientId: 'Client ID', scopes: 'May ask for', redirectUris: 'Redirect addresses', status: 'Status', updated: 'Changed',
      active: 'active', disabled: 'disabled', firstParty: 'our own service (no consent page)',
      edit: 'Edit', disable: 'Disable', enable: 'Enable', disableConfirm: 'Disable “{{name}}”? Citizens can no longer sign in to it and its tokens are refused.',
      editHeading: 'Edit “{{name}}”', redirectHint: 'One address per line (https, or http on 127.0.0.1/localhost).',
      logoUri: 'Logo address (https)', policyUri: 'Privacy policy address (https)', save: 'Save', cancel: 'Cancel',
      saved: '“{{name}}” saved.', disabledNotice: '“{{name}}” disabled.', enabledNotice: '“{{name}}” enabled.',
    },
  },
  ru: {
    nav: { clients: 'Сервисы (OpenID Connect)' },
    clients: {
      heading: 'Сервисы, в которые входят через Digital ID',
      intro: 'Сервис регистрируется командой npm run oidc:client. Здесь его можно изменить или отключить: отключённому сервису сразу отказывают.',
      name: 'Название', clientId: 'Client ID', scopes: 'Может запросить', redirectUris: 'Адреса возврата', status: 'Состояние', updated: 'Изменён',
      active: 'работает', disabled: 'отключён', firstParty: 'наш сервис (без страницы согласия)',
      edit: 'Изменить', disable: 'Отключить', enable: 'Включить', disableConfirm: 'Отключить «{{name}}»? Граждане больше не смогут в него войти, его токены будут отклоняться.',
      editHeading: 'Изменить «{{name}}»', redirectHint: 'По одному адресу в строке (https или http на 127.0.0.1/localhost).',
      logoUri: 'Адрес логотипа (https)', policyUri: 'Адрес политики конфиденциальности (https)', save: 'Сохранить', cancel: 'Отмена',
      saved: '«{{name}}» сохранён.', disabledNotice: '«{{name}}» отключён.', enabledNotice: '«{{name}}» включён.',
    },
  },
  kk: {
    nav: { clients: 'Қызметтер (OpenID Connect)' },
    clients: {
      heading: 'Digital ID арқылы кіретін қызметтер',
      intro: 'Қызмет npm run oidc:client командасымен тіркеледі. Мұнда оны өзгертуге немесе өшіруге болады: өшірілген қызметке бірден бас тартылады.',
      name: 'Атауы', clientId: 'Client ID', scopes: 'Сұрай алады', redirectUris: 'Қайтару мекенжайлары', status: 'Күйі', updated: 'Өзгертілді',
      active: 'жұмыс істейді', disabled: 'өшірілген', firstParty: 'біздің қызмет (келісім бетінсіз)',
      edit: 'Өзгерту', disable: 'Өшіру', enable: 'Қосу', disableConfirm: '«{{name}}» өшірілсін бе? Азаматтар оған бұдан былай кіре алмайды, оның токендері қабылданбайды.',
      editHeading: '«{{name}}» өзгерту', redirectHint: 'Әр жолға бір мекенжай (https немесе 127.0.0.1/localhost-та http).',
      logoUri: 'Логотип мекенжайы (https)', policyUri: 'Құпиялылық саясатының мекенжайы (https)', save: 'Сақтау', cancel: 'Болдырмау',
      saved: '«{{name}}» сақталды.', disabledNotice: '«{{name}}» өшірілді.', enabledNotice: '«{{name}}» қосылды.',
    },
  },
};
// Added beside the console's own catalogue (deep merge, nothing of it overwritten).
for (const [language, texts] of Object.entries(TEXTS)) i18next.addResourceBundle(language, STAFF_NS, texts, true, false);

export function ClientsPage({ onError }: { onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [rows, setRows] = useState<OidcClientForStaff[] | null>(null);
  const [editing, setEditing] = useState<OidcClientForStaff | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, error, act } = useAction(onError);

  const load = useCallback(() => {
    staffApi
      .oidcClients()
      .then((r) => setRows(r.clients))
      .catch((e) => {
        setRows([]);
        onError(e);
      });
  }, [onError]);
  useEffect(() => load(), [load]);

  const toggle = (c: OidcClientForStaff) => {
    if (!c.disabled && !window.confirm(t('clients.disableConfirm', { name: c.name }))) return;
    setNotice(null);
    void act(
      () => staffApi.updateOidcClient(c.clientId, { disabled: !c.disabled }),
      () => {
        setNotice(t(c.disabled ? 'clients.enabledNotice' : 'clients.disabledNotice', { name: c.name }));
        load();
      },
    );
  };

  return (
    <section>
      <h1>{t('clients.heading')}</h1>
      <p>{t('clients.intro')}</p>
      <ErrorLine error={error} />
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <ListBody items={rows}>
        {(items) => (
          <table className="staff-table">
            <thead>
              <tr>
                <th>{t('clients.name')}</th>
                <th>{t('clients.scopes')}</th>
                <th>{t('clients.redirectUris')}</th>
                <th>{t('clients.status')}</th>
                <th>{t('clients.updated')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.clientId} data-client-id={c.clientId}>
                  <td data-label={t('clients.name')}>
                    <strong>{c.name}</strong>
                    <br />
                    <code>{c.clientId}</code>
                    {c.firstParty && <div className="hint">{t('clients.firstParty')}</div>}
                  </td>
                  <td data-label={t('clients.scopes')}>{c.scopes.join(' ')}</td>
                  <td data-label={t('clients.redirectUris')}>{c.redirectUris.join('\n')}</td>
                  <td data-label={t('clients.status')}>{c.disabled ? t('clients.disabled') : t('clients.active')}</td>
                  <td data-label={t('clients.updated')}>{formatTime(c.updatedAt)}</td>
                  <td className="row-action">
                    <button type="button" className="secondary" disabled={busy} onClick={() => (setNotice(null), setEditing(c))}>
                      {t('clients.edit')}
                    </button>
                    <button type="button" className="secondary" disabled={busy} onClick={() => toggle(c)}>
                      {c.disabled ? t('clients.enable') : t('clients.disable')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ListBody>
      {editing && (
        <EditForm
          key={editing.clientId}
          client={editing}
          onError={onError}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setNotice(t('clients.saved', { name: saved.name }));
            load();
          }}
        />
      )}
    </section>
  );
}

function EditForm({ client, onError, onCancel, onSaved }: { client: OidcClientForStaff; onError: OnError; onCancel: () => void; onSaved: (saved: OidcClientForStaff) => void }) {
  const { t } = useTranslation(STAFF_NS);
  const [name, setName] = useState(client.name);
  const [redirects, setRedirects] = useState(client.redirectUris.join('\n'));
  const [scopes, setScopes] = useState<Set<string>>(new Set(client.scopes));
  const [logoUri, setLogoUri] = useState(client.logoUri ?? '');
  const [policyUri, setPolicyUri] = useState(client.policyUri ?? '');
  const { busy, error, act } = useAction(onError);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changes: OidcClientChanges = {
      name: name.trim(),
      redirectUris: redirects.split(/\s+/).filter(Boolean),
      scopes: SCOPES.filter((s) => scopes.has(s)),
      logoUri: logoUri.trim() || null,
      policyUri: policyUri.trim() || null,
    };
    let saved: OidcClientForStaff | null = null;
    void act(
      async () => (saved = await staffApi.updateOidcClient(client.clientId, changes)),
      () => onSaved(saved!),
    );
  };

  return (
    <form className="staff-form" onSubmit={submit} noValidate aria-labelledby="client-edit-heading">
      <h2 id="client-edit-heading">{t('clients.editHeading', { name: client.name })}</h2>
      <div className="field">
        <label htmlFor="client-name">{t('clients.name')}</label>
        <input id="client-name" className="staff-input" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="client-redirects">{t('clients.redirectUris')}</label>
        <textarea id="client-redirects" rows={3} value={redirects} aria-describedby="client-redirects-hint" onChange={(e) => setRedirects(e.target.value)} />
        <p id="client-redirects-hint" className="hint">
          {t('clients.redirectHint')}
        </p>
      </div>
      <fieldset className="field">
        <legend>{t('clients.scopes')}</legend>
        {SCOPES.map((scope) => (
          <label key={scope} className="confirm-check">
            <input
              type="checkbox"
              checked={scopes.has(scope)}
              disabled={scope === 'openid'}
              onChange={(e) =>
                setScopes((old) => {
                  const next = new Set(old);
                  if (e.target.checked) next.add(scope);
                  else next.delete(scope);
                  return next;
                })
              }
            />{' '}
            {scope}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="client-logo">{t('clients.logoUri')}</label>
        <input id="client-logo" className="staff-input" value={logoUri} onChange={(e) => setLogoUri(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="client-policy">{t('clients.policyUri')}</label>
        <input id="client-policy" className="staff-input" value={policyUri} onChange={(e) => setPolicyUri(e.target.value)} />
      </div>
      <ErrorLine error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('clients.save')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          {t('clients.cancel')}
        </button>
      </div>
    </form>
  );
}
