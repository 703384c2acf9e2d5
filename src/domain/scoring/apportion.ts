/**
 * Splits a total given in whole hundredths among parts known exactly (as real numbers), so that
 * each part is rounded to a hundredth and the rounded parts add up to the total exactly — the
 * largest-remainder (Hamilton) method. Each part moves by less than 0.01 from its exact value
 * whenever the exact parts add up to the total within a hundredth, which they do here (the
 * total is the same sum, computed through the aggregates).
 *
 * @example apportion([0.333, 0.333, 0.334], 100) // [33, 33, 34]
 */
export function apportion(exactParts: readonly number[], totalHundredths: number): number[] {
  if (exactParts.length === 0) return [];
  const scaled = exactParts.map((part) => part * 100);
  const result = scaled.map((part) => Math.floor(part));
  let remaining = totalHundredths - result.reduce((sum, part) => sum + part, 0);
  const byRemainder = scaled
    .map((part, index) => ({ index, remainder: part - Math.floor(part) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  // Normally 0 ≤ remaining ≤ parts; the loops also settle any larger gap, one hundredth per pass.
  for (let i = 0; remaining > 0; i = (i + 1) % byRemainder.length, remaining -= 1) {
    const at = (byRemainder[i] as { index: number }).index;
    result[at] = (result[at] as number) + 1;
  }
  for (
    let i = byRemainder.length - 1;
    remaining < 0;
    i = (i - 1 + byRemainder.length) % byRemainder.length, remaining += 1
  ) {
    const at = (byRemainder[i] as { index: number }).index;
    result[at] = (result[at] as number) - 1;
  }
  return result.map((h) => (h === 0 ? 0 : h));
}
