import { Argument, Command, CommanderError, Option } from 'commander';
import { KEY_ROLES, USER_ROLES } from '../domain/access.js';
import { STATS_INTERVALS } from '../domain/analytics/window.js';
import { TASK_ACTIVITY_NAMES, TASK_KINDS } from '../domain/desk/task.js';
import { LEAD_STATUSES } from '../domain/lead.js';
import { TEMPERATURES } from '../domain/scoring/model.js';
import { VERSION } from '../version.js';
import { STATS_REPORTS, type StatsReport, TASK_STATES } from './choices.js';
import { reportError } from './errors.js';
import type { Io } from './runtime.js';

const kindArgument = (program: Command) =>
  program.createArgument('<kind>', 'leads or events').choices(['leads', 'events']);

/**
 * The `hearth` command. Each action is a thin call into a command module, loaded only when its
 * command runs: `hearth serve` then loads what serving needs and `hearth --help` no command at all.
 */
export function buildProgram(io: Io): Command {
  const program = new Command('hearth')
    .description('Hearth: lead qualification engine and lead desk')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.out.write(text),
      writeErr: (text) => io.err.write(text),
    })
    .exitOverride();

  program
    .command('serve')
    .description('run the HTTP API on PORT (default 3000); what `npm start` runs')
    .action(async () => (await import('./commands/serve.js')).serve(io));

  program
    .command('import')
    .description('import leads or events from a CSV (header row), NDJSON or JSON-array file')
    .addArgument(kindArgument(program))
    .argument('<file>', 'the file to read')
    .addOption(
      new Option('--format <format>', 'file format (default: from the file name)').choices([
        'csv',
        'ndjson',
        'json',
      ]),
    )
    .option(
      '--map <mapping...>',
      'map a column to a field: "Company Name=company", "Budget=attributes.budget", "Notes=ignore"',
    )
    .option('--report <path>', 'where to write rejected records (default: FILE.rejected.csv)')
    .option(
      '--dry-run',
      'show the mapping and what would be created, updated, skipped and rejected; write nothing',
    )
    .addOption(
      new Option(
        '--date-order <order>',
        'read 03/04/2025 as month first (mdy) or day first (dmy); default: from the file',
      ).choices(['mdy', 'dmy']),
    )
    .action(async (kind: 'leads' | 'events', file: string, options) =>
      (await import('./commands/transfer.js')).importCommand(io, kind, file, options),
    );

  program
    .command('export')
    .description('export every lead or event')
    .addArgument(kindArgument(program))
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'ndjson']).default('csv'))
    .option('--out <path>', 'write to a file instead of standard output')
    .action(async (kind: 'leads' | 'events', options) =>
      (await import('./commands/transfer.js')).exportCommand(io, kind, options),
    );

  const leads = program
    .command('leads')
    .description('list leads')
    .addOption(new Option('--status <status>', 'only this status').choices(LEAD_STATUSES))
    .option('--owner <id>', 'only this owner (a user id, or "none")')
    .option('--source <source>', 'only this source')
    .addOption(
      new Option('--temperature <temperature>', 'only this stored temperature').choices(TEMPERATURES),
    )
    .option('--search <text>', 'words matched against name, email, company, title, phone')
    .option('--min-probability <p>', 'only leads whose conversion probability is at least p (0–1)')
    .option(
      '--sort <field>',
      'createdAt, updatedAt, lastActivityAt, name, email, company, fit, temperature, probability; "-" for descending; or -interest (current interest, highest first)',
      '-createdAt',
    )
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./commands/leads.js')).leadsCommand(io, options));

  const lead = program
    .command('lead')
    .description('show one lead by id or email: its scores, why (the explanation) and its latest events')
    .argument('<id-or-email>')
    .option('--json', 'print JSON')
    .action(async (reference: string, options) =>
      (await import('./commands/leads.js')).leadCommand(io, reference, options),
    );
  lead
    .command('export')
    .description('everything stored about one lead, as JSON, for a privacy request (audited)')
    .argument('<id-or-email>')
    .option('--out <path>', 'write to a file instead of standard output')
    .action(async (reference: string, options) =>
      (await import('./commands/leads.js')).leadExportCommand(io, reference, options),
    );
  leads
    .command('note')
    .description('write a note on a lead (a note activity: it scores nothing and is not a touch)')
    .argument('<id-or-email>')
    .requiredOption('--text <text>', 'what the note says')
    .option('--author <email>', 'the user who wrote it (default: "Operator")')
    .action(async (reference: string, options) =>
      (await import('./commands/notes.js')).noteCommand(io, reference, options),
    );

  program
    .command('audit')
    .description('the audit log: who changed what, newest first')
    .option('--entity <entity>', 'only this kind of thing: lead, scoring_model, user, api_key, …')
    .option('--id <id>', 'only this one (with --entity)')
    .option('--action <action>', 'only this action, e.g. lead.merge')
    .option('--actor <user-id>', 'only what this user did')
    .option('--since <date>', 'at or after this instant (ISO 8601)')
    .option('--until <date>', 'before this instant (ISO 8601)')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./commands/audit.js')).auditCommand(io, options));

  program
    .command('queue')
    .description(
      'the hot queue, one line per lead: now (running speed-to-lead clocks), overdue, due today, later',
    )
    .option('--limit <n>', 'cards per section', '50')
    .option('--tz <zone>', 'your time zone for "due today" (default: this machine’s)')
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./commands/desk.js')).queueCommand(io, options));

  const tasks = program.command('tasks').description('list, add, complete, snooze and assign tasks');
  tasks
    .command('list', { isDefault: true })
    .description('list tasks, soonest due first (what `hearth tasks` alone runs)')
    .addOption(new Option('--state <state>', 'due: within the hour or overdue').choices(TASK_STATES))
    .option('--owner <user>', 'a user id or email, or "none"')
    .option('--lead <id-or-email>', 'only this lead’s tasks')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./commands/desk.js')).tasksCommand(io, options));
  tasks
    .command('add')
    .description('add a task on a lead')
    .argument('<lead>', 'the lead’s id or email')
    .addOption(new Option('--kind <kind>', 'what to do').choices(TASK_KINDS).makeOptionMandatory())
    .requiredOption('--title <title>', 'what the task says')
    .option('--due <time>', 'ISO 8601 time, or 1h, tomorrow (9:00), next-week')
    .option('--owner <user>', 'a user id or email, or "none" (default: the lead’s owner)')
    .option('--notes <text>', 'notes')
    .option('--tz <zone>', 'your time zone for tomorrow / next-week (default: this machine’s)')
    .action(async (lead: string, options) =>
      (await import('./commands/desk.js')).addTaskCommand(io, lead, options),
    );
  tasks
    .command('done')
    .description('complete a task, logging what was done (a call, email or meeting event) and how it went')
    .argument('<task-id>')
    .addOption(
      new Option('--as <activity>', 'what was done (default: the task’s kind)').choices(TASK_ACTIVITY_NAMES),
    )
    .option(
      '--outcome <outcome>',
      'call: interested, not_interested, no_answer, voicemail, callback_requested, wrong_number; email: sent, replied; meeting: held, no_show, rescheduled',
    )
    .option('--note <text>', 'a note stored on the event')
    .option('--tz <zone>', 'your time zone for the suggested next step (default: this machine’s)')
    .action(async (id: string, options) =>
      (await import('./commands/desk.js')).doneTaskCommand(io, id, options),
    );
  tasks
    .command('snooze')
    .description('give a task a new due time')
    .argument('<task-id>')
    .requiredOption('--until <time>', 'ISO 8601 time, or 1h, tomorrow (9:00), next-week')
    .option('--tz <zone>', 'your time zone for tomorrow / next-week (default: this machine’s)')
    .action(async (id: string, options) =>
      (await import('./commands/desk.js')).snoozeTaskCommand(io, id, options),
    );
  tasks
    .command('assign')
    .description('give a task to a user (id or email), or "none" to unassign')
    .argument('<task-id>')
    .argument('<user>')
    .action(async (id: string, user: string) =>
      (await import('./commands/desk.js')).assignTaskCommand(io, id, user),
    );

  program
    .command('outcome')
    .description('record an outcome: customer (won), lost, disqualified, or open to re-open')
    .argument('<id-or-email>')
    .addArgument(new Argument('<status>').choices(LEAD_STATUSES))
    .option('--reason <text>', 'why (for lost or disqualified)')
    .option('--value <amount>', 'deal value (for customer)')
    .option('--currency <code>', 'ISO 4217 code, e.g. EUR')
    .option('--at <time>', 'when it happened (ISO 8601); default now')
    .action(async (reference: string, status, options) =>
      (await import('./commands/desk.js')).outcomeCommand(io, reference, status, options),
    );

  program
    .command('demo')
    .description(
      'load a realistic demo data set (users, leads, months of events, outcomes) into an installation without leads; once',
    )
    .option('--leads <n>', 'how many leads (default 2000)')
    .option('--seed <n>', 'the random seed: the same seed gives the same data (default 1)')
    .action(async (options) => (await import('./commands/demo.js')).demoCommand(io, options));

  program
    .command('stats')
    .description(
      'analytics: leads by temperature over time, the funnel, conversion by temperature, speed to lead, by source, by owner (all without REPORT)',
    )
    .addArgument(new Argument('[report]', 'one report').choices(STATS_REPORTS))
    .option('--from <date>', 'start of the window (default: 90 days before --to)')
    .option('--to <date>', 'end of the window, exclusive (default: now)')
    .addOption(new Option('--interval <interval>', 'temperatures: one point per').choices(STATS_INTERVALS))
    .option('--json', 'print JSON')
    .action(async (report: StatsReport | undefined, options) =>
      (await import('./commands/stats.js')).statsCommand(io, report, options),
    );

  const model = program.command('model').description('the scoring model: validate, show, publish, schema');
  model
    .command('validate')
    .description(
      'check a model document (JSON or YAML); prints each problem with its path, exit 2 on problems',
    )
    .argument('<file>')
    .action(async (file: string) => (await import('./commands/model.js')).validateCommand(io, file));
  model
    .command('show')
    .description('the active model, the draft and the version history')
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./commands/model.js')).showCommand(io, options));
  model
    .command('publish')
    .description('validate FILE (or take the draft), publish it as the next version and rescore every lead')
    .argument('[file]', 'a model document (JSON or YAML); without it, the draft')
    .action(async (file: string | undefined) =>
      (await import('./commands/model.js')).publishCommand(io, file),
    );
  model
    .command('backtest')
    .description(
      'score every lead with a known outcome as of its decision time under FILE (or --model-version N, or the draft) and report conversion by temperature, AUC, precision at k and suggested thresholds',
    )
    .argument('[file]', 'a model document (JSON or YAML); without it, --model-version or the draft')
    .option('--model-version <n>', 'test a published version')
    .option('--k <list>', 'the k of precision at top k, comma-separated (default 10,50,100)')
    .option('--target-precision <p>', 'conversion rate the suggested hot threshold must reach (default 0.5)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string | undefined, options) =>
      (await import('./commands/backtest.js')).backtestCommand(io, file, options),
    );
  model
    .command('rescore')
    .description('finish the rescore of a publish that was interrupted (a stop or a crash)')
    .action(async () => (await import('./commands/model.js')).rescoreCommand(io));
  model
    .command('schema')
    .description('print the JSON Schema of model documents (docs/scoring-model.schema.json)')
    .action(async () => (await import('./commands/model.js')).schemaCommand(io));

  const predict = program
    .command('predict')
    .description('the predictive score: a conversion probability learned from won and lost leads');
  predict
    .command('train')
    .description(
      'train on every lead with a known outcome (features as of its decision time), print the held-out quality, and give every open lead a probability',
    )
    .option(
      '--exclude <columns>',
      'columns to leave out, comma-separated (those filled in after the decision)',
    )
    .option('--json', 'print the report as JSON')
    .action(async (options) => (await import('./commands/predict.js')).trainCommand(io, options));
  predict
    .command('status')
    .description('the model in use, its measured quality, and the latest trainings')
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./commands/predict.js')).statusCommand(io, options));

  const users = program.command('users').description('manage users');
  users
    .command('add')
    .description('add a user; the password is read from standard input')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'full name')
    .addOption(new Option('--role <role>', 'role').choices(USER_ROLES).makeOptionMandatory())
    .action(async (options) => (await import('./commands/access.js')).addUser(io, options));

  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create an API key and print it (shown once)')
    .addOption(new Option('--role <role>', 'what the key may do').choices(KEY_ROLES).makeOptionMandatory())
    .requiredOption('--name <name>', 'a name to recognise the key by')
    .option('--user <email>', 'the user the key acts for (required for rep keys)')
    .option('--expires <date>', 'when the key stops working (ISO 8601)')
    .action(async (options) => (await import('./commands/access.js')).createKey(io, options));
  keys
    .command('list')
    .description('list API keys (never their secrets)')
    .action(async () => (await import('./commands/access.js')).listKeys(io));
  keys
    .command('revoke')
    .description('revoke an API key')
    .argument('<id>')
    .action(async (id: string) => (await import('./commands/access.js')).revokeKey(io, id));

  for (const command of [
    program,
    ...program.commands,
    ...model.commands,
    ...predict.commands,
    ...tasks.commands,
    ...users.commands,
    ...keys.commands,
  ]) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (t) => io.out.write(t), writeErr: (t) => io.err.write(t) });
  }
  return program;
}

/** Runs the CLI and returns the exit status. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own usage errors (and --help / --version output).
    if (error instanceof CommanderError) return error.exitCode;
    return reportError(error, (text) => io.err.write(`${text}\n`));
  }
}
