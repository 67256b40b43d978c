/**
 * How numbers read in human output, the same in every command: sizes in decimal units (`1.5 GB`, like
 * `df -H` and the SI), counts with thousands separators (`12,345`), durations at a useful precision
 * (`4.2s`, `2m05s`, `1h03m`, `2d04h`). `--json` carries the raw numbers.
 */

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  // 999.95 MB would round to "1000.0 MB": say 1.0 GB instead.
  if (unit > 0 && unit < units.length - 1 && Math.abs(Number(value.toFixed(1))) >= 1000) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatCount(count: number): string {
  return Number.isInteger(count) ? count.toLocaleString('en-US') : count.toLocaleString('en-US', {maximumFractionDigits: 2});
}

/** A duration: tenths below 10 s, then whole units, two at most; `?` when unknown. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${pad(whole % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${pad(hours % 24)}h`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
