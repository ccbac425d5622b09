// The profile's passkeys: add one on this device (the browser's prompt, then a name), the list with
// when each was added and last used, rename, remove.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../components/ErrorText.js';
import { accountApi, type PasskeyView } from './accountApi.js';
import { describeAccountError } from './errors.js';
import { addPasskey, PasskeyCeremonyError, passkeysSupported } from './passkeys.js';

export function PasskeysSection({ formatTime, onChanged, onFailure }: { formatTime: (iso: string) => string; onChanged: () => void; onFailure: (err: unknown) => boolean }) {
  const { t } = useTranslation();
  const [passkeys, setPasskeys] = useState<PasskeyView[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const describe = useCallback(
    (err: unknown) => (err instanceof PasskeyCeremonyError ? t(`account:passkeys.problems.${err.problem}`) : describeAccountError(t, err)),
    [t],
  );
  const load = useCallback(async () => {
    try {
      setPasskeys((await accountApi.passkeys()).passkeys);
    } catch (err) {
      if (!onFailure(err)) setError(describe(err));
    }
  }, [describe, onFailure]);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      setStatus(await action());
      await load();
      onChanged();
    } catch (err) {
      if (!onFailure(err)) setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  const add = () =>
    run(async () => {
      const added = await addPasskey();
      setEditing(added.id);
      return t('account:passkeys.added');
    });

  return (
    <section aria-labelledby="profile-passkeys">
      <h2 id="profile-passkeys">{t('account:passkeys.title')}</h2>
      <p>{t('account:passkeys.intro')}</p>
      {passkeys && passkeys.length === 0 && <p className="hint">{t('account:passkeys.none')}</p>}
      <ul className="passkey-list">
        {passkeys?.map((passkey) => (
          <li key={passkey.id} className="passkey-item" data-passkey-id={passkey.id}>
            {editing === passkey.id ? (
              <RenameForm
                passkey={passkey}
                busy={busy}
                onCancel={() => setEditing(null)}
                onSave={(name) =>
                  run(async () => {
                    if (name !== passkey.name) await accountApi.renamePasskey(passkey.id, name);
                    setEditing(null);
                    return null;
                  })
                }
              />
            ) : (
              <>
                <p className="passkey-name">
                  <strong>{passkey.name}</strong>
                </p>
                <p className="hint">
                  {t('account:passkeys.created', { time: formatTime(passkey.createdAt) })} ·{' '}
                  {passkey.lastUsedAt ? t('account:passkeys.lastUsed', { time: formatTime(passkey.lastUsedAt) }) : t('account:passkeys.neverUsed')}
                </p>
                <div className="item-actions">
                  <button type="button" className="link-button" disabled={busy} onClick={() => setEditing(passkey.id)}>
                    {t('account:passkeys.rename')}
                  </button>
                  <button
                    type="button"
                    className="link-button danger"
                    disabled={busy}
                    onClick={() => {
                      if (!window.confirm(t('account:passkeys.removeConfirm', { name: passkey.name }))) return;
                      void run(async () => {
                        await accountApi.removePasskey(passkey.id);
                        return t('account:passkeys.removed');
                      });
                    }}
                  >
                    {t('account:passkeys.remove')}
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      <p className="notice" role="status">
        {status}
      </p>
      <ErrorText id="passkeys-error" message={error} />
      {passkeysSupported() ? (
        <button type="button" className="secondary" disabled={busy} onClick={() => void add()}>
          {busy ? t('account:passkeys.adding') : t('account:passkeys.add')}
        </button>
      ) : (
        <p className="hint">{t('account:passkeys.problems.unsupported')}</p>
      )}
    </section>
  );
}

function RenameForm({ passkey, busy, onSave, onCancel }: { passkey: PasskeyView; busy: boolean; onSave: (name: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(passkey.name);
  const [error, setError] = useState<string | null>(null);
  const fieldId = `passkey-name-${passkey.id}`;
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.replace(/\s+/g, ' ').trim();
    if (trimmed.length === 0 || [...trimmed].length > 60) {
      setError(t('errors.PASSKEY_NAME_INVALID'));
      input.current?.focus();
      return;
    }
    onSave(trimmed);
  };

  return (
    <form onSubmit={submit} noValidate className="field">
      <label htmlFor={fieldId}>{t('account:passkeys.name')}</label>
      <input
        ref={input}
        id={fieldId}
        type="text"
        maxLength={60}
        autoComplete="off"
        value={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${fieldId}-hint ${fieldId}-error`}
        onChange={(event) => {
          setName(event.target.value);
          setError(null);
        }}
      />
      <p id={`${fieldId}-hint`} className="hint">
        {t('account:passkeys.nameHint')}
      </p>
      <ErrorText id={`${fieldId}-error`} message={error} />
      <div className="account-actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('account:passkeys.save')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          {t('account:passkeys.cancel')}
        </button>
      </div>
    </form>
  );
}
