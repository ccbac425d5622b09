// The administrator's services (OpenID Connect clients): the list with what each may ask for, disable or
// enable one (a disabled service is refused at once), and edit its name, addresses, scopes and links.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { staffApi, type OidcClientChanges, type OidcClientForStaff } from './staffApi.js';
import type { OnError } from './StaffApp.js';
import { formatTime } from './format.js';
import { STAFF_NS } from './i18n.js';
import { ErrorLine, Notice, StaffTable, useAction, useStaffList, type Column } from './parts.js';

const SCOPES = ['openid', 'profile', 'phone', 'iin', 'offline_access'] as const;


const listClients = () => staffApi.oidcClients().then((r) => r.clients);

export function ClientsPage({ onError }: { onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [editing, setEditing] = useState<OidcClientForStaff | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, error, act } = useAction(onError);
  const list = useStaffList(listClients, onError);
  const load = useCallback(() => void list.load(undefined), [list.load]);
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

  const columns: Column<OidcClientForStaff>[] = [
    {
      label: t('clients.name'),
      cell: (c) => (
        <>
          <strong>{c.name}</strong>
          <br />
          <code>{c.clientId}</code>
          {c.firstParty && <div className="hint">{t('clients.firstParty')}</div>}
        </>
      ),
    },
    { label: t('clients.scopes'), cell: (c) => c.scopes.join(' ') },
    { label: t('clients.redirectUris'), cell: (c) => c.redirectUris.join('\n') },
    { label: t('clients.status'), cell: (c) => (c.disabled ? t('clients.disabled') : t('clients.active')) },
    { label: t('clients.updated'), cell: (c) => formatTime(c.updatedAt) },
  ];

  return (
    <section>
      <h1>{t('clients.heading')}</h1>
      <p>{t('clients.intro')}</p>
      <ErrorLine error={error ?? list.error} />
      <Notice text={notice} />
      <StaffTable
        items={list.rows}
        columns={columns}
        rowKey={(c) => c.clientId}
        rowData={(c) => ({ 'data-client-id': c.clientId })}
        action={(c) => (
          <>
            <button type="button" className="secondary" disabled={busy} onClick={() => (setNotice(null), setEditing(c))}>
              {t('clients.edit')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => toggle(c)}>
              {c.disabled ? t('clients.enable') : t('clients.disable')}
            </button>
          </>
        )}
      />
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
