import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways on a phone. It takes focus so that keyboard users can scroll it
 * too (axe: scrollable-region-focusable).
 */
export function ScrollBox({
  label,
  minWidth,
  children,
}: {
  label: string;
  minWidth: number;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="scroll-box" aria-label={label} tabIndex={0}>
      <div style={{ minWidth }}>{children}</div>
    </section>
  );
}
