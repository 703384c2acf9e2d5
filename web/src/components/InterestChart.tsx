import { Loader } from '@mantine/core';
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
import type { Explanation, InterestSeries } from '../api/types';
import { ChartCard } from './ChartCard';
import { ErrorNotice } from './ErrorNotice';
import { useInterestSeries } from './lead/leadQueries';
import { scoreText } from './lead/score-text';

const DAY_MS = 86_400_000;
// The badge colours (3:1 or more against white as chart marks).
const HOT = '#991b1b';
const WARM = '#c2410c';
const LINE = '#1e40af';

const day = (ms: number) => format(new Date(ms), 'd MMM');

const when = (ms: number) => format(new Date(ms), 'd MMM, HH:mm');

/**
 * What the chart shows, in sentences that agree with the temperature beside it: where interest
 * stands against the thresholds at the page's instant, when it will cross the next one down, and
 * when the lead is hot for another reason than interest, that it is.
 */
export function interestSummary(s: InterestSeries, temperature: Explanation['temperature']): string {
  const now = Date.parse(s.now);
  const current = s.points.find((p) => Date.parse(p.at) === now)?.interest ?? 0;
  if (s.points.every((p) => p.interest === 0))
    return 'No scored activity in the last 30 days: interest is 0.';
  const shown = scoreText(current, [s.warm, s.hot]);
  const standing =
    current >= s.hot
      ? `at or above the hot line (${s.hot})`
      : current >= s.warm
        ? `between the warm line (${s.warm}) and the hot line (${s.hot})`
        : `below the warm line (${s.warm})`;
  const next =
    s.belowHotAt !== null
      ? `it falls below hot in ${formatDistanceStrict(now, Date.parse(s.belowHotAt))} (${when(Date.parse(s.belowHotAt))})`
      : s.belowWarmAt !== null
        ? `it falls below warm in ${formatDistanceStrict(now, Date.parse(s.belowWarmAt))} (${when(Date.parse(s.belowWarmAt))})`
        : 'it keeps decaying below warm';
  const besides =
    temperature.temperature === 'hot' && temperature.hotBecause?.kind === 'high_intent'
      ? ' The lead is hot through a high-intent event, not through interest (see the checks).'
      : temperature.warmBecause === 'returning_customer'
        ? ' The lead is warm as a returning customer, not through interest.'
        : '';
  return `Interest ${shown} is ${standing}; with no new activity ${next}.${besides}`;
}

/**
 * The lead's interest over the last 30 days and projected 30 days ahead under the model's decay,
 * with the warm and hot thresholds: when will this lead cool? Computed at `at`, the instant of the
 * explanation the rest of the page shows. Loaded on first use (Recharts).
 */
export default function InterestChart({
  leadId,
  at,
  temperature,
}: {
  leadId: string;
  at: string;
  temperature: Explanation['temperature'];
}) {
  const series = useInterestSeries(leadId, at);
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
  const summary = interestSummary(s, temperature);
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
