/**
 * Free-mail providers: an address at one of them says nothing about the person's company. Matched
 * on the first label of the email domain, so `yahoo.co.uk` and `gmx.de` count too. The b2b preset's
 * free-mail fit rule (scoring/presets.ts) and account keys (account.ts) both read this list.
 */
export const FREE_MAIL_PROVIDERS = [
  'gmail',
  'googlemail',
  'yahoo',
  'hotmail',
  'outlook',
  'live',
  'msn',
  'aol',
  'icloud',
  'me',
  'gmx',
  'proton',
  'protonmail',
  'yandex',
  'mail',
] as const;

/**
 * The same list as a pattern over a whole address, for model rules (`regex` conditions).
 *
 * @example new RegExp(FREE_MAIL_PATTERN, 'i').test('ann@gmail.com') // true
 */
export const FREE_MAIL_PATTERN = `@(${FREE_MAIL_PROVIDERS.join('|')})\\.`;
