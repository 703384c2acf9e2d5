import { Code, Text } from '@mantine/core';
import { useState } from 'react';
import type { FieldProblem } from '../../api/client';
import { CallSettingsFields } from './CallSettingsFields';
import { guideOf, type HookProvider } from './hook-providers';
import { callConfigOf, callSettingsFrom, GENERIC_MAPPING_EXAMPLE, parseMapping } from './hook-settings';
import { JsonSettingsField } from './JsonSettingsField';

/** The settings being edited for a new hook or an existing one, whichever provider is picked. */
export function useSettingsDraft(initial: Record<string, unknown> | null) {
  const [call, setCall] = useState(() => callSettingsFrom(initial ?? {}));
  const stored = initial && Object.keys(initial).length > 0 ? JSON.stringify(initial, null, 2) : null;
  const [mapping, setMapping] = useState(stored ?? GENERIC_MAPPING_EXAMPLE);
  // A form tool's settings are all optional: empty unless the hook has some.
  const [json, setJson] = useState(stored ?? '');
  const [localProblems, setLocalProblems] = useState<FieldProblem[]>([]);
  const [parseError, setParseError] = useState<string | null>(null);
  /** The config to send for `provider`, or null when the form already sees what is wrong. */
  const build = (provider: HookProvider): Record<string, unknown> | null => {
    setLocalProblems([]);
    setParseError(null);
    const kind = guideOf(provider).settings;
    if (kind === 'none') return {};
    if (kind === 'json' && json.trim() === '') return {};
    if (kind === 'generic' || kind === 'json') {
      const parsed = parseMapping(kind === 'generic' ? mapping : json);
      if ('error' in parsed) {
        setParseError(parsed.error);
        return null;
      }
      return parsed.config;
    }
    const built = callConfigOf(call, provider === 'twilio');
    setLocalProblems(built.problems);
    return built.problems.length > 0 ? null : built.config;
  };
  return { call, setCall, mapping, setMapping, json, setJson, localProblems, parseError, build };
}

export type SettingsDraft = ReturnType<typeof useSettingsDraft>;

/** The provider's settings fields; `problems` are the server's (paths without `body.`). */
export function HookSettingsFields({
  provider,
  draft,
  problems,
}: {
  provider: HookProvider;
  draft: SettingsDraft;
  problems: readonly FieldProblem[];
}) {
  const kind = guideOf(provider).settings;
  const configProblems = problems.filter((p) => p.path === 'config' || p.path.startsWith('config.'));
  switch (kind) {
    case 'none':
      return (
        <Text size="sm" c="#343a40">
          {guideOf(provider).label} hooks have no settings.
        </Text>
      );
    case 'generic':
      return (
        <JsonSettingsField
          label="Mapping (JSON)"
          description={
            <>
              Each value is <Code>{'{"path": "a.b.0.c"}'}</Code> (a dot path into the body) or{' '}
              <Code>{'{"value": …}'}</Code> (fixed). Required: <Code>eventType</Code>, <Code>eventId</Code>{' '}
              and a lead <Code>email</Code> or <Code>phone</Code>. Lead fields: email, phone, name, company,
              jobTitle, country, source, attributes.
            </>
          }
          value={draft.mapping}
          onChange={draft.setMapping}
          parseError={draft.parseError}
          problems={configProblems}
        />
      );
    case 'json': {
      const guide = guideOf(provider);
      return (
        <JsonSettingsField
          label="Settings (JSON, optional)"
          description={guide.settingsHint}
          placeholder={guide.settingsExample}
          minRows={4}
          value={draft.json}
          onChange={draft.setJson}
          parseError={draft.parseError}
          problems={configProblems}
        />
      );
    }
    case 'call':
      return (
        <CallSettingsFields
          value={draft.call}
          onChange={draft.setCall}
          problems={[...draft.localProblems, ...configProblems]}
          withPublicUrl={provider === 'twilio'}
        />
      );
  }
}
