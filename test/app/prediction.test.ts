import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import {
  refreshPredictions,
  retrainIfDue,
  type TrainingReport,
  trainPrediction,
} from '../../src/app/prediction/prediction-service.js';
import { withScores } from '../../src/app/scoring/scoring-service.js';
import { type PlantedLead, plantedHistory } from '../../src/domain/prediction/planted-history.js';
import { MINIMUM_OUTCOMES_EACH } from '../../src/domain/prediction/predictor.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { importHistory } from '../support/planted.js';

const DAY = 86_400_000;
const HISTORY_UNTIL = new Date('2026-02-01T00:00:00Z');

describeEachDatabase(
  'the predictive score: trained on decided leads, stored on open ones',
  (env) => {
    const ctx = () => env.app.ctx;
    // Post-decision purchases and meetings for the won: present in the database, never features.
    const history = plantedHistory({
      count: 500,
      seed: 21,
      until: HISTORY_UNTIL,
      activityAfterDecision: true,
    });
    const beforeDecision = (h: PlantedLead) => h.events.filter((e) => e.occurredAt < h.decidedAt);
    let report: TrainingReport;

    it('refuses below the minimum of outcomes, naming the counts', async () => {
      // The schedule counts first: no run is recorded for a history too short to train on.
      expect(await retrainIfDue(ctx(), 7 * DAY)).toBe('too_few_outcomes');
      expect(await ctx().store.prediction.runs(5)).toEqual([]);
      await expect(trainPrediction(ctx(), { trigger: 'manual', requestedBy: null })).rejects.toThrow(
        `at least ${MINIMUM_OUTCOMES_EACH} won and ${MINIMUM_OUTCOMES_EACH} lost leads; there are 0 won and 0 lost`,
      );
      const runs = await ctx().store.prediction.runs(5);
      expect(runs[0]).toMatchObject({ state: 'failed', error: expect.stringContaining('at least 50 won') });
    });

    it('learns from every decided lead as of its decision and predicts every open lead', async () => {
      await importHistory(ctx(), history, beforeDecision);
      const open = [];
      for (let i = 0; i < 12; i += 1) {
        const { lead } = await upsertLead(ctx(), adminActor, {
          email: `open${i}@company${i}.example`,
          companySize: 50 + i * 40,
          industry: i % 2 === 0 ? 'software' : 'retail',
          jobTitle: i % 3 === 0 ? 'CEO' : 'Analyst',
        });
        open.push(lead);
      }
      const phases = new Set<string>();
      report = await trainPrediction(ctx(), { trigger: 'manual', requestedBy: null }, (phase) =>
        phases.add(phase),
      );
      expect([...phases]).toEqual(['reading', 'training', 'predicting']);

      const counts = await sql<{ won: string; lost: string }>`
        select count(*) filter (where status = 'customer') as won, count(*) filter (where status = 'lost') as lost
        from leads`.execute(env.app.database.db);
      expect(report.examples).toEqual({
        won: Number(counts.rows[0]?.won),
        lost: Number(counts.rows[0]?.lost),
      });
      expect(report.examples.won + report.examples.lost).toBe(history.length);
      expect(report.quality.heldOut).toBe(100);
      expect(report.quality.auc as number).toBeGreaterThan(0.6);
      expect(report.suspects).toEqual([]);
      expect(report.predicted).toBe(open.length);

      const scored = await withScores(ctx().store, open, ctx().clock());
      for (const lead of scored) {
        expect(lead.probability).toBeGreaterThan(0);
        expect(lead.probability).toBeLessThan(1);
        const stored = await ctx().store.prediction.ofLead(lead.id);
        expect(stored).toMatchObject({ probability: lead.probability, modelId: report.modelId });
        expect((stored?.positive.length ?? 0) + (stored?.negative.length ?? 0)).toBeGreaterThan(0);
      }
      const closed = await sql<{ n: string }>`
        select count(*) as n from leads where status <> 'open' and probability is not null`.execute(
        env.app.database.db,
      );
      expect(Number(closed.rows[0]?.n)).toBe(0);
      const runs = await ctx().store.prediction.runs(1);
      expect(runs[0]).toMatchObject({ state: 'done', modelId: report.modelId });
    });

    it('is untouched by activity after the decisions: the same trees with or without it', async () => {
      const after = history.flatMap((h) =>
        h.events
          .filter((e) => e.occurredAt >= h.decidedAt)
          .map((e) => ({ leadId: '', email: h.lead.email, e })),
      );
      expect(after.length).toBeGreaterThan(0);
      await importHistory(ctx(), history, (h) => h.events.filter((e) => e.occurredAt >= h.decidedAt));
      const again = await trainPrediction(ctx(), { trigger: 'manual', requestedBy: null });
      const [first, second] = await Promise.all([
        sql<{
          predictor: unknown;
        }>`select predictor from prediction_models where id = ${report.modelId}`.execute(env.app.database.db),
        sql<{
          predictor: unknown;
        }>`select predictor from prediction_models where id = ${again.modelId}`.execute(env.app.database.db),
      ]);
      expect(second.rows[0]?.predictor).toEqual(first.rows[0]?.predictor);
      expect(again.quality).toEqual(report.quality);
    });

    it('re-predicts an open lead after its activity changes, and clears it once the lead is closed', async () => {
      const [lead] = (await ctx().store.prediction.dueAfter(null, 1, { all: true })).filter(
        (p) => p.lead.status === 'open',
      );
      const id = lead?.lead.id as string;
      const before = await ctx().store.prediction.ofLead(id);
      expect(await refreshPredictions(ctx())).toBe(0);

      env.clock.advance(60_000);
      for (let i = 0; i < 3; i += 1) {
        await ingestEvents(ctx(), [
          { leadId: id, type: 'pricing_page_visit', occurredAt: ctx().clock().toISOString() },
        ]);
      }
      await ingestEvents(ctx(), [
        { leadId: id, type: 'demo_request', occurredAt: ctx().clock().toISOString() },
      ]);
      env.clock.advance(60_000);
      expect(await refreshPredictions(ctx())).toBe(1);
      const after = await ctx().store.prediction.ofLead(id);
      expect(after?.predictedAt.getTime()).toBeGreaterThan(before?.predictedAt.getTime() as number);
      expect(after?.probability).not.toBe(before?.probability);

      await ctx().store.leads.update(id, { status: 'lost' }, ctx().clock());
      await refreshPredictions(ctx());
      expect(await ctx().store.prediction.ofLead(id)).toBeUndefined();
    });

    it('retrains on the schedule only once the model is older than the interval, one run at a time', async () => {
      expect(await retrainIfDue(ctx(), 7 * DAY)).toBe('not_due');
      const running = await ctx().store.prediction.startRun(
        { trigger: 'manual', requestedBy: null, exclude: [] },
        ctx().clock(),
        new Date(ctx().clock().getTime() - 60_000),
      );
      expect(running).toBeDefined();
      env.clock.advance(8 * DAY);
      // The run above has no heartbeat for 8 days: its process is gone, and the schedule takes over.
      const retrained = await retrainIfDue(ctx(), 7 * DAY);
      expect(typeof retrained).toBe('object');
      const runs = await ctx().store.prediction.runs(2);
      expect(runs.map((r) => [r.trigger, r.state])).toEqual([
        ['schedule', 'done'],
        ['manual', 'failed'],
      ]);
      await ctx().store.prediction.startRun(
        { trigger: 'manual', requestedBy: null, exclude: [] },
        ctx().clock(),
        new Date(ctx().clock().getTime() - 60_000),
      );
      await expect(trainPrediction(ctx(), { trigger: 'manual', requestedBy: null })).rejects.toThrow(
        'A training is already running',
      );
    });
  },
  { clock: '2026-03-02T09:00:00.000Z' },
);
