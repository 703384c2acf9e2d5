import { Badge } from '@mantine/core';

// Filled badges in dark shades keep white text above 4.5:1 contrast.
const COLORS: Record<string, string> = { hot: '#991b1b', warm: 'ember.8', cool: '#1e40af', cold: '#374151' };

export function TemperatureBadge({ temperature }: { temperature: string }) {
  return (
    <Badge
      color={COLORS[temperature] ?? '#374151'}
      variant="filled"
      aria-label={`Temperature: ${temperature}`}
    >
      {temperature}
    </Badge>
  );
}
