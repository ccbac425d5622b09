import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n/index.js';
import { App } from './App.js';
import './styles.css';

// The staff console (/staff) is a separate lazy chunk: citizens never download it.
const StaffApp = lazy(() => import('./staff/StaffApp.js'));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {location.pathname.startsWith('/staff') ? <Suspense fallback={null}><StaffApp /></Suspense> : <App />}
  </StrictMode>,
);
