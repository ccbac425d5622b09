import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n/index.js';
import { App } from './App.js';
import './styles.css';

// The staff console (/staff) is a separate lazy chunk: citizens never download it.
const StaffApp = lazy(() => import('./staff/StaffApp.js'));
// Sign-in, the digital profile and blocking it: /signin, /profile, /block; a service's consent: /consent/{uid}.
const AccountApp = lazy(() => import('./account/AccountApp.js'));

function Root() {
  if (location.pathname.startsWith('/staff')) return <StaffApp />;
  if (/^\/(signin|profile|block|consent)(\/|$)/.test(location.pathname)) return <AccountApp />;
  return <App />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Suspense fallback={null}>
      <Root />
    </Suspense>
  </StrictMode>,
);
