import { existsSync, readFileSync } from 'node:fs';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { b2bModel } from '../domain/scoring/presets.js';
import * as core from './migrations/0001_core.js';
import * as scoring from './migrations/0002_scoring.js';
import * as modelPublish from './migrations/0003_model_publish.js';
import * as scoredAt from './migrations/0004_scored_at.js';
import * as leadDesk from './migrations/0005_lead_desk.js';
import * as webhooks from './migrations/0006_webhooks.js';
import * as accounts from './migrations/0007_accounts.js';
import * as automations from './migrations/0008_automations.js';
import * as sessions from './migrations/0009_sessions.js';
import * as analytics from './migrations/0010_analytics.js';
import * as prediction from './migrations/0011_prediction.js';
import * as leadsTemperatureCreated from './migrations/0012_leads_temperature_created.js';
import * as firstTouchTimersLead from './migrations/0013_first_touch_timers_lead.js';
import * as deskWorkday from './migrations/0014_desk_workday.js';
import * as workFollowsTheLead from './migrations/0015_work_follows_the_lead.js';
import * as leadsSortFitTemperature from './migrations/0016_leads_sort_fit_temperature.js';
import * as inboundHooks from './migrations/0017_inbound_hooks.js';
import * as websiteTracker from './migrations/0018_website_tracker.js';
import * as hostedForms from './migrations/0019_hosted_forms.js';
import * as hookProviders from './migrations/0020_hook_providers.js';
import * as notifications from './migrations/0022_notifications.js';
import * as importJobs from './migrations/0023_import_jobs.js';
import type { Database } from './schema.js';

// Listed in code rather than read from a folder so that the built package and the sources agree
// and a bundler cannot drop one. Names sort in the order they apply.
const MIGRATIONS: Record<string, Migration> = {
  '0001_core': core,
  '0002_scoring': scoring,
  '0003_model_publish': modelPublish,
  '0004_scored_at': scoredAt,
  '0005_lead_desk': leadDesk,
  '0006_webhooks': webhooks,
  '0007_accounts': accounts,
  '0008_automations': automations,
  '0009_sessions': sessions,
  '0010_analytics': analytics,
  '0011_prediction': prediction,
  '0012_leads_temperature_created': leadsTemperatureCreated,
  '0013_first_touch_timers_lead': firstTouchTimersLead,
  '0014_desk_workday': deskWorkday,
  '0015_work_follows_the_lead': workFollowsTheLead,
  '0016_leads_sort_fit_temperature': leadsSortFitTemperature,
  '0017_inbound_hooks': inboundHooks,
  '0018_website_tracker': websiteTracker,
  '0019_hosted_forms': hostedForms,
  '0020_hook_providers': hookProviders,
  '0022_notifications': notifications,
  '0023_import_jobs': importJobs,
};

/**
 * Changes whenever what the migrations do to an empty database may change: their names and
 * their modules' text (helpers included), plus what they insert from outside it (0002 stores the
 * b2b preset). Keys the embedded database's template (embedded/template.ts).
 */
export function migrationFingerprint(): string {
  const parts = Object.keys(MIGRATIONS).map((name) => `${name}\n${migrationSource(name)}`);
  parts.push(`0002_scoring inserts\n${JSON.stringify(b2bModel)}`);
  return parts.join('\n\n');
}

/**
 * A migration's TypeScript source, which tests (run from the sources) and the built server read
 * alike, so that both share one template; the compiled module beside this one when the sources
 * are not there.
 */
function migrationSource(name: string): string {
  const candidates = [
    new URL(`../../src/store/migrations/${name}.ts`, import.meta.url),
    new URL(`./migrations/${name}.js`, import.meta.url),
  ];
  for (const file of candidates) {
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  throw new Error(`the source of migration ${name} was not found`);
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Applies every migration not yet applied, in order, each in its own transaction. Kysely takes a
 * lock first, so several instances starting together apply each migration once.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'hearth_migrations',
    migrationLockTableName: 'hearth_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
