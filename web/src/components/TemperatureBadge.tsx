import { Badge } from '@mantine/core';

/**
 * Each temperature differs in three ways besides its hue, so that no one needs to tell red from
 * orange (the commonest colour blindness): its label, its shape (▲ hot, ● warm, ▼ cool, ■ cold)
 * and its fill (solid, tinted, outlined, grey). Dark text or dark fills keep contrast above 4.5:1.
 */
interface Look {
  readonly shape: string;
  readonly variant: 'filled' | 'outline';
  readonly color: string;
  /** A tinted fill with dark text, set by hand: Mantine's light variant is too pale to read. */
  readonly tint?: { readonly background: string; readonly text: string };
}

const LOOKS: Record<string, Look> = {
  hot: { shape: '▲', variant: 'filled', color: '#991b1b' },
  warm: {
    shape: '●',
    variant: 'outline',
    color: '#9a3412',
    tint: { background: '#ffedd5', text: '#7c2d12' },
  },
  cool: { shape: '▼', variant: 'outline', color: '#1e40af' },
  cold: {
    shape: '■',
    variant: 'outline',
    color: '#374151',
    tint: { background: '#e5e7eb', text: '#1f2937' },
  },
};

export function TemperatureBadge({ temperature }: { temperature: string }) {
  const look = LOOKS[temperature] ?? (LOOKS.cold as Look);
  return (
    <Badge
      color={look.color}
      variant={look.variant}
      aria-label={`Temperature: ${temperature}`}
      leftSection={<span aria-hidden="true">{look.shape}</span>}
      data-temperature={temperature}
      styles={look.tint ? { root: { background: look.tint.background, color: look.tint.text } } : undefined}
    >
      {temperature}
    </Badge>
  );
}
