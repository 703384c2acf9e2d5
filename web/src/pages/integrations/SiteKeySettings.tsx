import { Checkbox, Stack } from '@mantine/core';
import type { SiteKeySettings } from '../../api/site-keys';

const SWITCHES: { key: keyof SiteKeySettings; label: string; description: string }[] = [
  {
    key: 'requireConsent',
    label: 'Consent required',
    description:
      'Nothing is sent, kept in the browser or stored until the page calls hearth("consent", true).',
  },
  {
    key: 'honourDoNotTrack',
    label: 'Honour Do-Not-Track and Global Privacy Control',
    description: 'Browsers that send either are not tracked.',
  },
  {
    key: 'captureForms',
    label: 'Capture forms',
    description:
      'On submit of a form holding an email field, the visitor becomes that lead (never passwords or card numbers).',
  },
];

export const ORIGINS_HELP =
  'One per line, as browsers send them: https://www.example.com, http://localhost:8080; https://*.example.com allows every subdomain. Pages elsewhere store nothing.';

/** The consent, Do-Not-Track/GPC and form-capture switches of a site key. */
export function SettingsChecks({
  value,
  onChange,
  disabled,
  idPrefix,
}: {
  value: SiteKeySettings;
  onChange: (key: keyof SiteKeySettings, checked: boolean) => void;
  disabled?: boolean;
  idPrefix: string;
}) {
  return (
    <Stack gap="xs">
      {SWITCHES.map((s) => (
        <Checkbox
          key={s.key}
          id={`${idPrefix}-${s.key}`}
          label={s.label}
          description={s.description}
          checked={value[s.key]}
          disabled={disabled}
          onChange={(e) => onChange(s.key, e.currentTarget.checked)}
          styles={{ description: { color: '#343a40' } }}
        />
      ))}
    </Stack>
  );
}
