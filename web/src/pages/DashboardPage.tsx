import {
  Alert,
  Code,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { format, formatDistanceStrict, startOfTomorrow, subDays } from 'date-fns';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api, query } from '../api/client';
import type {
  ConversionStats,
  FunnelStats,
  SourcesStats,
  SpeedStats,
  StatsInterval,
  TemperaturesStats,
} from '../api/types';
import { canReadReports, useSession } from '../auth/session';
import { ChartCard } from '../components/ChartCard';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';

// The temperature colours of the badges (dark enough for 3:1 against white as chart marks).
const COLOR = { hot: '#991b1b', warm: '#c2410c', cool: '#1e40af', cold: '#374151', customer: '#166534' };
const RANGES = [30, 90, 365] as const;
type RangeDays = (typeof RANGES)[number];

const percent = (rate: number | null): string => (rate === null ? '–' : `${Math.round(rate * 1000) / 10}%`);
const duration = (ms: number | null): string => (ms === null ? '–' : formatDistanceStrict(0, ms));
/** Speed in seconds while every figure is under two minutes, else in minutes. */
function speedUnit(values: readonly (number | null)[]): {
  unit: 's' | 'min';
  of: (ms: number | null) => number | null;
} {
  const seconds = values.every((v) => v === null || v < 120_000);
  const per = seconds ? 1000 : 60_000;
  return { unit: seconds ? 's' : 'min', of: (ms) => (ms === null ? null : Math.round((ms / per) * 10) / 10) };
}

/** Days at a time for short ranges, weeks for a quarter, months for a year. */
const intervalFor = (days: RangeDays): StatsInterval => (days <= 31 ? 'day' : days <= 120 ? 'week' : 'month');

function useStats<T>(path: string, window: Record<string, string>, enabled: boolean) {
  return useQuery({
    queryKey: ['stats', path, window],
    queryFn: () => api<T>('GET', `/stats/${path}${query(window)}`),
    enabled,
  });
}

/** Reports for managers and admins: charts from the analytics API (docs/analytics.md). */
export function DashboardPage() {
  const { session } = useSession();
  const allowed = canReadReports(session.user.role);
  const [params, setParams] = useSearchParams();
  const days: RangeDays = RANGES.find((d) => String(d) === params.get('days')) ?? 90;
  // Whole days, so that the cache key holds still for the day.
  const window = useMemo(() => {
    const to = startOfTomorrow();
    return { from: subDays(to, days).toISOString(), to: to.toISOString() };
  }, [days]);
  const interval = intervalFor(days);
  const temperatures = useStats<TemperaturesStats>('temperatures', { ...window, interval }, allowed);
  const funnel = useStats<FunnelStats>('funnel', window, allowed);
  const conversion = useStats<ConversionStats>('conversion-by-temperature', window, allowed);
  const speed = useStats<SpeedStats>('speed-to-lead', window, allowed);
  const sources = useStats<SourcesStats>('sources', window, allowed);

  if (!allowed) {
    return (
      <Stack>
        <Title order={2}>Dashboard</Title>
        <Alert color="gray" title="Not allowed" role="status">
          The dashboard covers every lead and every rep's speed to lead: managers and admins see it. Your hot
          queue and leads are in the navigation.
        </Alert>
      </Stack>
    );
  }

  const all = [temperatures, funnel, conversion, speed, sources];
  const failed = all.find((q) => q.isError);
  const ready =
    temperatures.data && funnel.data && conversion.data && speed.data && sources.data
      ? {
          temperatures: temperatures.data,
          funnel: funnel.data,
          conversion: conversion.data,
          speed: speed.data,
          sources: sources.data,
        }
      : null;

  return (
    <Stack>
      <Group justify="space-between" align="end">
        <Title order={2}>Dashboard</Title>
        <SegmentedControl
          aria-label="Period"
          value={String(days)}
          onChange={(value) => setParams({ days: value }, { replace: true })}
          data={RANGES.map((d) => ({ value: String(d), label: `${d} days` }))}
        />
      </Group>
      <Text size="sm" c="gray.8">
        {format(new Date(window.from), 'd MMM yyyy')} to{' '}
        {format(subDays(new Date(window.to), 1), 'd MMM yyyy')}
      </Text>
      {failed ? (
        <ErrorNotice error={failed.error} />
      ) : !ready ? (
        <Loader aria-label="Loading the dashboard" />
      ) : ready.funnel.steps[0]?.leads === 0 && ready.temperatures.points.every((p) => p.total === 0) ? (
        <EmptyState title="No leads in this period">
          <Text size="sm">
            Try a longer period, or load a few thousand realistic leads, events and outcomes with{' '}
            <Code>hearth demo</Code> to see what the dashboard shows.
          </Text>
        </EmptyState>
      ) : (
        <Charts {...ready} />
      )}
    </Stack>
  );
}

function Charts({
  temperatures,
  funnel,
  conversion,
  speed,
  sources,
}: {
  temperatures: TemperaturesStats;
  funnel: FunnelStats;
  conversion: ConversionStats;
  speed: SpeedStats;
  sources: SourcesStats;
}) {
  const dateFormat = temperatures.interval === 'month' ? 'MMM yyyy' : 'd MMM';
  const points = temperatures.points.map((p) => ({ ...p, label: format(new Date(p.start), dateFormat) }));
  const last = points.at(-1);
  const conversionRows = conversion.byTemperature.map((row) => ({
    ...row,
    percent: row.rate === null ? 0 : Math.round(row.rate * 1000) / 10,
  }));
  const speedIn = speedUnit(speed.byOwner.flatMap((o) => [o.medianMs, o.p90Ms]));
  const ownerRows = speed.byOwner.map((o) => ({
    ...o,
    name: o.ownerName ?? 'Unassigned',
    median: speedIn.of(o.medianMs),
    p90: speedIn.of(o.p90Ms),
  }));
  const sourceRows = sources.sources.map((s) => ({ ...s, name: s.source ?? 'none' }));
  const funnelSummary = funnel.steps
    .map((s) => `${s.leads} ${s.stage}${s.stage === 'cold' ? '' : ` (${percent(s.rateFromPrevious)})`}`)
    .join(', ');

  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Figure label="Leads created" value={String(funnel.steps[0]?.leads ?? 0)} />
        <Figure label="Became customers" value={percent(funnel.overallRate)} />
        <Figure label="Median speed to lead" value={duration(speed.total.medianMs)} />
        <Figure label="SLA breaches" value={`${speed.total.breached} (${percent(speed.total.breachRate)})`} />
      </SimpleGrid>

      <ChartCard
        title="Leads by temperature"
        summary={
          last
            ? `At the end of the period: ${last.hot} hot, ${last.warm} warm, ${last.cool} cool and ${last.cold} cold of ${last.total} leads.`
            : 'No intervals in this period.'
        }
        table={{
          columns: ['Interval', 'Hot', 'Warm', 'Cool', 'Cold', 'Total'],
          rows: points.map((p) => [p.label, p.hot, p.warm, p.cool, p.cold, p.total]),
        }}
      >
        <ResponsiveContainer>
          <AreaChart data={points} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} width={40} />
            <Tooltip />
            <Legend />
            {(['cold', 'cool', 'warm', 'hot'] as const).map((t) => (
              <Area
                key={t}
                type="monotone"
                dataKey={t}
                name={t}
                stackId="leads"
                stroke={COLOR[t]}
                fill={COLOR[t]}
                fillOpacity={0.6}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </ChartCard>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ChartCard
          title="Funnel"
          summary={`Of the leads created in the period: ${funnelSummary}. Overall ${percent(funnel.overallRate)} became customers, in a median ${duration(funnel.medianCreatedToCustomerMs)}.`}
          table={{
            columns: ['Stage', 'Leads', 'From previous', 'From start', 'Median time from previous'],
            rows: funnel.steps.map((s) => [
              s.stage,
              s.leads,
              percent(s.rateFromPrevious),
              percent(s.rateFromStart),
              duration(s.medianMsFromPrevious),
            ]),
          }}
        >
          <ResponsiveContainer>
            <BarChart data={funnel.steps} layout="vertical" accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey="stage" width={84} />
              <Tooltip />
              <Bar dataKey="leads" name="leads" fill={COLOR.warm} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          title="Conversion by temperature at hand-off"
          summary={
            conversion.total.outcomes === 0
              ? 'No outcomes in this period.'
              : `Of ${conversion.total.outcomes} outcomes, ${percent(conversion.total.rate)} won: ${conversion.byTemperature
                  .map((r) => `${r.temperature} ${percent(r.rate)}`)
                  .join(', ')}.`
          }
          empty={
            conversion.total.outcomes === 0
              ? 'No outcomes yet. Mark leads as customer or lost on their page, or import outcomes with a CSV column (hearth import leads FILE).'
              : undefined
          }
          table={{
            columns: ['Temperature', 'Won', 'Lost', 'Conversion', 'Lift'],
            rows: conversion.byTemperature.map((r) => [
              r.temperature,
              r.won,
              r.lost,
              percent(r.rate),
              r.lift === null ? '–' : `${r.lift.toFixed(2)}×`,
            ]),
          }}
        >
          <ResponsiveContainer>
            <BarChart data={conversionRows} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="temperature" />
              <YAxis unit="%" width={48} />
              <Tooltip />
              <Bar dataKey="percent" name="conversion %" fill={COLOR.customer} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          title="Speed to lead by owner"
          summary={`${speed.total.timers} leads turned hot; first touch in a median ${duration(speed.total.medianMs)}, 90% within ${duration(speed.total.p90Ms)}; ${speed.total.breached} missed the SLA.`}
          empty={
            speed.total.timers === 0
              ? 'No lead turned hot in this period, so no first-touch clock ran. Leads turn hot as their interest and qualification grow.'
              : undefined
          }
          table={{
            columns: ['Owner', 'Timers', 'Median', 'p90', 'Met', 'Breached', 'Waiting'],
            rows: ownerRows.map((o) => [
              o.name,
              o.timers,
              duration(o.medianMs),
              duration(o.p90Ms),
              o.met,
              o.breached,
              o.running,
            ]),
          }}
        >
          <ResponsiveContainer>
            <BarChart data={ownerRows} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="name" />
              <YAxis unit={` ${speedIn.unit}`} width={56} />
              <Tooltip />
              <Legend />
              <Bar
                dataKey="median"
                name={`median (${speedIn.unit})`}
                fill={COLOR.cool}
                isAnimationActive={false}
              />
              <Bar dataKey="p90" name={`p90 (${speedIn.unit})`} fill={COLOR.warm} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          title="Sources"
          summary={sourceRows
            .map((s) => `${s.name}: ${s.leads} leads, ${s.hot} hot, ${s.customers} customers`)
            .join('; ')}
          table={{
            columns: ['Source', 'Leads', 'Hot', 'Customers', 'Hot rate', 'Conversion', 'Median speed'],
            rows: sourceRows.map((s) => [
              s.name,
              s.leads,
              s.hot,
              s.customers,
              percent(s.hotRate),
              percent(s.conversionRate),
              duration(s.medianSpeedMs),
            ]),
          }}
        >
          <ResponsiveContainer>
            <BarChart data={sourceRows} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="name" />
              <YAxis allowDecimals={false} width={40} />
              <Tooltip />
              <Legend />
              <Bar dataKey="leads" name="leads" fill={COLOR.cold} isAnimationActive={false} />
              <Bar dataKey="hot" name="hot" fill={COLOR.hot} isAnimationActive={false} />
              <Bar dataKey="customers" name="customers" fill={COLOR.customer} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
      </SimpleGrid>
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="gray.8">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </Paper>
  );
}
