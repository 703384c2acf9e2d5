import { bootstrapFirstAdminKey } from '../../app/access/access-service.js';
import { issueSetupToken } from '../../app/access/setup.js';
import { scheduleDeskWork } from '../../jobs/desk-work.js';
import { scheduleDueWork } from '../../jobs/due-work.js';
import { scheduleImportJobs } from '../../jobs/import-jobs.js';
import { scheduleMaintenance } from '../../jobs/maintenance.js';
import { scheduleNotifications } from '../../jobs/notifications.js';
import { schedulePredictions } from '../../jobs/prediction.js';
import { scheduleRescoreResume } from '../../jobs/publish-resume.js';
import { scheduleWebhookDelivery } from '../../jobs/webhook-delivery.js';
import { buildServer, openApp } from '../../main.js';
import { configOf, type Io, line } from '../runtime.js';

/** `hearth serve`: the HTTP API (and later the web app) until SIGINT or SIGTERM. */
export async function serve(io: Io): Promise<void> {
  const config = configOf(io);
  const app = await openApp(config, { exclusive: true });
  const firstKey = await bootstrapFirstAdminKey(app.ctx);
  const setupToken = await issueSetupToken(app.ctx);
  const server = await buildServer(app, config, true);
  const logger = { info: (m: string) => server.log.info(m), error: (m: string) => server.log.error(m) };
  const stopMaintenance = scheduleMaintenance(app.ctx, logger, {
    vacuum: app.database.kind === 'embedded',
    trackerRetentionDays: config.trackerRetentionDays,
  });
  // Decay transitions land within a minute of their instant; a publish rescore interrupted by a
  // stop or a crash carries on, here or in another instance (its progress is in the leads).
  const stopDueWork = scheduleDueWork(app.ctx, logger);
  const stopDeskWork = scheduleDeskWork(app.ctx, logger, config.jobPollMs);
  const stopWebhooks = scheduleWebhookDelivery(app.ctx, logger, config.jobPollMs, config.webhookTimeoutMs);
  const stopNotifications = scheduleNotifications(app.ctx, logger, config.jobPollMs);
  if (config.smtpUrl === null)
    logger.info('notifications: email is off (no HEARTH_SMTP_URL); the app and Slack work');
  const stopPredictions = schedulePredictions(app.ctx, logger, config.predictRetrainHours);
  const stopRescore = scheduleRescoreResume(app.ctx, logger);
  // Imports whose run stopped (a restart, another instance gone) carry on from their last chunk.
  const stopImports = scheduleImportJobs(app.ctx, logger);
  await server.listen({ port: config.port, host: config.host });
  const address = server.addresses()[0];
  const port = typeof address === 'object' ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
  const database =
    app.database.kind === 'embedded' ? `embedded database in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  const base = `http://${shownHost}:${port}`;
  // The key and setup blocks come first and the "running" lines last, so that whoever waits for
  // the banner (a person, a supervisor, a test) has read everything once it sees the docs line.
  if (firstKey) {
    line(io.err, 'First start: an admin API key was created for you. It is shown this once; keep it safe:');
    line(io.err);
    line(io.err, `    ${firstKey}`);
    line(io.err);
    line(io.err, 'Use it as "Authorization: Bearer <key>" for the API.');
    line(io.err);
  }
  if (setupToken) {
    line(io.err, 'No user yet. Open this link to create the owner account (an admin) and sign in:');
    line(io.err);
    line(io.err, `    ${base}/setup?token=${setupToken}`);
    line(io.err);
    line(
      io.err,
      'Or from the command line: echo "$PASSWORD" | npx hearth users add --email you@example.com --name "Your Name" --role admin',
    );
    line(io.err);
  }
  line(io.err, `Hearth is running on ${base} with the ${database}.`);
  line(io.err, `API docs: ${base}/api/docs`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  line(io.err, 'Stopping…');
  stopMaintenance();
  await stopDueWork();
  await stopDeskWork();
  await stopWebhooks();
  await stopNotifications();
  await stopPredictions();
  const rescoring = stopRescore();
  const importing = stopImports();
  await server.close();
  await app.close();
  // A rescore or import still running fails on the closed pool; it resumes at the next start.
  await rescoring;
  await importing;
}
