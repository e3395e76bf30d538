/** Eight levels, lowest first; one character per value. */
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * Draws values (oldest first) as Unicode block characters scaled between their own minimum and
 * maximum, so the shape shows the trend and not the absolute level. A flat series draws at mid
 * height; a value that is not a finite number (a gap) draws as a space. At most `width` of the
 * newest values are drawn.
 */
export function sparkline(values: readonly number[], width = 20): string {
  const shown = values.slice(-width);
  const finite = shown.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return '';

  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min;

  return shown
    .map((value) => {
      if (!Number.isFinite(value)) return ' ';
      if (span === 0) return BARS[3];
      const level = Math.round(((value - min) / span) * (BARS.length - 1));
      return BARS[level] ?? BARS[BARS.length - 1];
    })
    .join('');
}
