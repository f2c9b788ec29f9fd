// Big cAdvisor-like payloads built from the real kubelet dumps: every family keeps its HELP/TYPE
// and its samples are repeated with the cgroup identity labels (id, name, pod and the 1.15-era
// pod_name/container_name) made unique per copy, so the series count grows like a node with more
// pods. `variant` 1 is the same series with different values and timestamps (a repeat scrape).

/** Splits an exposition into families: header comment lines and the sample lines after them. */
function families(text: string): { header: string[]; samples: string[] }[] {
  const out: { header: string[]; samples: string[] }[] = [];
  let current: { header: string[]; samples: string[] } | null = null;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (!current || current.samples.length > 0) {
        current = { header: [], samples: [] };
        out.push(current);
      }
      current.header.push(line);
    } else {
      if (!current) {
        current = { header: [], samples: [] };
        out.push(current);
      }
      current.samples.push(line);
    }
  }
  return out;
}

const IDENTITY_LABELS = /\b(id|name|pod|pod_name|container_name)="/g;

function revalue(line: string, variant: number): string {
  if (variant === 0) return line;
  const brace = line.lastIndexOf('}');
  const keyEnd = brace >= 0 ? brace + 1 : line.indexOf(' ');
  const [value, timestamp] = line.slice(keyEnd + 1).split(' ');
  const number = Number(value);
  const newValue = Number.isFinite(number) ? String(number + variant * 1.5) : value;
  const newTimestamp = timestamp === undefined ? '' : ` ${Number(timestamp) + variant * 15_000}`;
  return `${line.slice(0, keyEnd)} ${newValue}${newTimestamp}`;
}

/** A payload of about `targetBytes` built from `source` (a kubelet /metrics/cadvisor dump). */
export function cadvisorLikePayload(source: string, targetBytes: number, variant = 0): string {
  const parsed = families(source);
  const copies = Math.max(1, Math.round(targetBytes / source.length));
  const parts: string[] = [];
  for (const family of parsed) {
    parts.push(...family.header);
    for (let copy = 0; copy < copies; copy++) {
      for (const line of family.samples) {
        const renamed = copy === 0 ? line : line.replace(IDENTITY_LABELS, (_, label: string) => `${label}="c${copy}-`);
        parts.push(revalue(renamed, variant));
      }
    }
  }
  return parts.join('\n') + '\n';
}

/** The same series with different values and timestamps (variant ≥ 1), for repeat-scrape runs. */
export function revaluePayload(source: string, variant: number): string {
  return source
    .split('\n')
    .map((line) => (line === '' || line.startsWith('#') ? line : revalue(line, variant)))
    .join('\n');
}
