import type { ReactNode } from 'react';

/** The step's title; the app moves focus here when the step changes, so screen readers announce it. */
export function StepHeading({ children }: { children: ReactNode }) {
  return (
    <h1 id="step-heading" tabIndex={-1}>
      {children}
    </h1>
  );
}
