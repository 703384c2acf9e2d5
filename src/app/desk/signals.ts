import type { NewSignal } from '../../domain/desk/signal.js';
import type { Task } from '../../domain/desk/task.js';

/** `task.created` for a task just stored. */
export function taskCreated(task: Task): NewSignal {
  return {
    type: 'task.created',
    leadId: task.leadId,
    occurredAt: task.createdAt,
    payload: taskFacts(task),
  };
}

export function taskFacts(task: Task): Record<string, unknown> {
  return {
    taskId: task.id,
    leadId: task.leadId,
    kind: task.kind,
    title: task.title,
    ownerId: task.ownerId,
    dueAt: task.dueAt?.toISOString() ?? null,
    sla: task.sla,
    origin: task.origin,
  };
}
