import { Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { format, formatDistanceStrict } from 'date-fns';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../api/client';
import type { InterestSeries } from '../api/types';
import { ChartCard } from './ChartCard';
import { ErrorNotice } from './ErrorNotice';

const DAY_MS = 86_400_000;
// The badge colours (3:1 or more against white as chart marks).
const HOT = '#991b1b';
const WARM = '#c2410c';
const LINE = '#1e40af';

const day = (ms: number) => format(new Date(ms), 'd MMM');

/** "falls below hot in 3 days (9 Mar)", or what holds when it already is below. */
function crossing(name: string, at: string | null, now: number): string {
  if (at === null) return `below ${name} now`;
  const ms = Date.parse(at);
  return `below ${name} in ${formatDistanceStrict(now, ms)} (${format(new Date(ms), 'd MMM, HH:mm')})`;
}

/**
 * The lead's interest over the last 30 days and projected 30 days ahead under the model's decay,
 * with the warm and hot thresholds: when will this lead cool? Loaded on first use (Recharts).
 */
export default function InterestChart({ leadId }: { leadId: string }) {
  const series = useQuery({
    queryKey: ['lead', leadId, 'interest-series'],
    queryFn: () => api<InterestSeries>('GET', `/leads/${leadId}/interest-series?pastDays=30&futureDays=30`),
  });
  if (series.isPending) return <Loader size="sm" aria-label="Loading interest over time" />;
  if (series.isError) return <ErrorNotice error={series.error} />;
  const s = series.data;
  const now = Date.parse(s.now);
  const data = s.points.map((p) => {
    const at = Date.parse(p.at);
    // The point at now belongs to both lines, so they join.
    return {
      at,
      measured: p.projected ? null : p.interest,
      projected: p.projected || at === now ? p.interest : null,
    };
  });
  const current = s.points.find((p) => Date.parse(p.at) === now)?.interest ?? 0;
  const summary =
    current === 0 && s.points.every((p) => p.interest === 0)
      ? 'No interest in the last 30 days: no scored activity yet.'
      : `Interest ${Math.round(current)} now (warm from ${s.warm}, hot from ${s.hot}); with no new activity it is ${crossing('hot', s.belowHotAt, now)} and ${crossing('warm', s.belowWarmAt, now)}.`;
  const daily = s.points.filter((p) => (Date.parse(p.at) - now) % DAY_MS === 0);
  return (
    <ChartCard
      title="Interest over time"
      headingOrder={3}
      summary={summary}
      table={{
        columns: ['Day', 'Interest', 'Kind'],
        rows: daily.map((p) => [
          format(new Date(p.at), 'd MMM yyyy, HH:mm'),
          p.interest,
          p.projected ? 'projected' : 'measured',
        ]),
      }}
    >
      <ResponsiveContainer width="100%" height={220}>
        <LineChart
          data={data}
          accessibilityLayer={false}
          margin={{ top: 8, right: 16, bottom: 0, left: -16 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={day}
            tickCount={5}
          />
          <YAxis domain={[0, 100]} ticks={[0, s.warm, s.hot, 100]} />
          <Tooltip
            labelFormatter={(at) => format(new Date(Number(at)), 'd MMM yyyy, HH:mm')}
            formatter={(value, name) => [value, name === 'measured' ? 'Interest' : 'Projected']}
          />
          <ReferenceLine
            y={s.hot}
            stroke={HOT}
            strokeDasharray="4 4"
            label={{ value: 'hot', position: 'insideTopLeft', fill: HOT }}
          />
          <ReferenceLine
            y={s.warm}
            stroke={WARM}
            strokeDasharray="4 4"
            label={{ value: 'warm', position: 'insideTopLeft', fill: WARM }}
          />
          <ReferenceLine
            x={now}
            stroke="#374151"
            label={{ value: 'now', position: 'insideTopRight', fill: '#374151' }}
          />
          <Line
            type="linear"
            dataKey="measured"
            stroke={LINE}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="linear"
            dataKey="projected"
            stroke={LINE}
            strokeWidth={2}
            strokeDasharray="6 4"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
