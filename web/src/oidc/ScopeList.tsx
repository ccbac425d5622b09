import { useTranslation } from 'react-i18next';

const KNOWN = ['openid', 'profile', 'phone', 'iin', 'offline_access'];

/**
 * What the service would receive, one scope per row in plain words. `openid` (that it is you) is always
 * given; the others are checkboxes the citizen may untick.
 */
export function ScopeList({ scopes, optional, chosen, disabled, onToggle }: { scopes: string[]; optional: string[]; chosen: Set<string>; disabled: boolean; onToggle: (scope: string, on: boolean) => void }) {
  const { t } = useTranslation('oidc');
  return (
    <ul className="scope-list">
      {scopes.map((scope) => {
        const title = KNOWN.includes(scope) ? t(`scopes.${scope}.title`) : scope;
        const text = KNOWN.includes(scope) ? t(`scopes.${scope}.text`) : '';
        const id = `scope-${scope}`;
        return (
          <li key={scope} className="scope-item" data-scope={scope}>
            {optional.includes(scope) ? (
              <label className="scope-choice" htmlFor={id}>
                <input id={id} type="checkbox" checked={chosen.has(scope)} disabled={disabled} aria-describedby={`${id}-text`} onChange={(event) => onToggle(scope, event.target.checked)} />
                <span className="scope-title">{title}</span>
              </label>
            ) : (
              <p className="scope-choice">
                <span className="scope-mark" aria-hidden="true">
                  ✓
                </span>
                <span className="scope-title">{title}</span>
                <span className="badge badge-muted">{t('consent.required')}</span>
              </p>
            )}
            {text && (
              <p id={`${id}-text`} className="hint scope-text">
                {text}
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
