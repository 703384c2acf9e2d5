// Choices of CLI arguments, here rather than in their command modules so that defining the
// commands (src/cli/main.ts) loads none of those modules and their dependencies.

export const TASK_STATES = ['open', 'done', 'due', 'overdue'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const STATS_REPORTS = ['temperatures', 'funnel', 'conversion', 'speed', 'sources', 'owners'] as const;
export type StatsReport = (typeof STATS_REPORTS)[number];
