import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endOfLocalDay, isTimeZone, localTimeOn } from '../../../src/domain/desk/local-time.js';

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall clock at `at`, as `YYYY-MM-DD HH:MM`. */
function wallClock(at: Date, zone: string): string {
  const clock =
    clocks.get(zone) ??
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
  clocks.set(zone, clock);
  const parts = clock.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

describe('local time', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('ends an ordinary day at the next local midnight', () => {
    const end = endOfLocalDay(new Date('2026-03-10T20:00:00Z'), 'Europe/Berlin');
    expect(end.toISOString()).toBe('2026-03-10T23:00:00.000Z');
    expect(localTimeOn(new Date('2026-03-10T20:00:00Z'), 'Europe/Berlin', 1, 9).toISOString()).toBe(
      '2026-03-11T08:00:00.000Z',
    );
  });

  it('ends the day before a midnight DST gap at the first instant of the next day (Santiago)', () => {
    // Chile springs forward at 24:00 on 2024-09-07: the 8th starts at 01:00 (-03).
    const end = endOfLocalDay(new Date('2024-09-07T18:00:00Z'), 'America/Santiago');
    expect(end.toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(wallClock(end, 'America/Santiago')).toBe('2024-09-08 01:00');
  });

  it('ends the day before a midnight DST gap at the first instant of the next day (Havana)', () => {
    // Cuba springs forward at 00:00 on 2024-03-10: the day starts at 01:00 (-04).
    const end = endOfLocalDay(new Date('2024-03-09T18:00:00Z'), 'America/Havana');
    expect(end.toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(wallClock(end, 'America/Havana')).toBe('2024-03-10 01:00');
  });

  it('moves a wall time inside a gap past the gap (New York, 02:00 on 2024-03-10)', () => {
    const at = localTimeOn(new Date('2024-03-09T18:00:00Z'), 'America/New_York', 1, 2);
    expect(at.toISOString()).toBe('2024-03-10T07:00:00.000Z');
    expect(wallClock(at, 'America/New_York')).toBe('2024-03-10 03:00');
  });

  it('takes the first of a repeated wall time (New York, 01:00 on 2024-11-03)', () => {
    // 01:00–02:00 happens twice: first in EDT (-04), then in EST (-05).
    const at = localTimeOn(new Date('2024-11-02T18:00:00Z'), 'America/New_York', 1, 1);
    expect(at.toISOString()).toBe('2024-11-03T05:00:00.000Z');
    expect(localTimeOn(new Date('2024-11-02T18:00:00Z'), 'America/New_York', 1, 2).toISOString()).toBe(
      '2024-11-03T07:00:00.000Z',
    );
  });

  it('ends every day after now, at the first instant whose local date is a later one', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'America/Santiago',
      'America/Havana',
      'America/Asuncion',
      'America/Sao_Paulo',
      'Asia/Beirut',
      'Asia/Tehran',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'Pacific/Apia',
      'America/St_Johns',
    ];
    const minute = 60_000;
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2008, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (zone, ms) => {
          const now = new Date(ms);
          const end = endOfLocalDay(now, zone);
          expect(end.getTime()).toBeGreaterThan(now.getTime());
          const today = wallClock(now, zone).slice(0, 10);
          // The minute before still belongs to today; the end itself to a later date.
          expect(wallClock(new Date(end.getTime() - minute), zone).slice(0, 10)).toBe(today);
          expect(wallClock(end, zone).slice(0, 10) > today).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('ends the days around every DST change of the sampled zones correctly', () => {
    // Random instants rarely fall on the one day of a change: walk the hours next to each change.
    for (const zone of ['America/Santiago', 'America/Havana', 'Asia/Beirut', 'America/Asuncion']) {
      for (let ms = Date.UTC(2019, 0, 1); ms < Date.UTC(2026, 0, 1); ms += 6 * 3_600_000) {
        const now = new Date(ms);
        const end = endOfLocalDay(now, zone);
        const today = wallClock(now, zone).slice(0, 10);
        expect(end.getTime()).toBeGreaterThan(ms);
        expect(wallClock(new Date(end.getTime() - 60_000), zone).slice(0, 10)).toBe(today);
        expect(wallClock(end, zone).slice(0, 10) > today).toBe(true);
      }
    }
  });
});
