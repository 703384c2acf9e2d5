import { createTheme, type MantineColorsTuple } from '@mantine/core';

// The brand colour (a hearth's embers), darker than Mantine's orange so that white text on the
// filled shade and ember text on white both pass WCAG AA (4.5:1).
const ember: MantineColorsTuple = [
  '#fff7ed',
  '#ffedd5',
  '#fed7aa',
  '#fdba74',
  '#fb923c',
  '#f97316',
  '#ea580c',
  '#c2410c',
  '#9a3412',
  '#7c2d12',
];

export const theme = createTheme({
  colors: { ember },
  primaryColor: 'ember',
  primaryShade: 8,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'md',
  focusRing: 'always',
});
