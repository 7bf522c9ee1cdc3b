// The issue's targets, judged on the medians of this run. `met: null` when the figures needed are missing.
import { PEERS, summarizeScenario } from './results.mjs';

function lookup(scenarios) {
  const byId = new Map(scenarios.map((s) => [s.id, summarizeScenario(s)]));
  return (scenarioId, key) => byId.get(scenarioId)?.metrics.find((m) => m.key === key)?.contenders ?? {};
}

const fmt = (value, digits = 0) => (value == null ? '—' : value.toFixed(digits));
const all = (checks) => (checks.some((c) => c === null) ? null : checks.every(Boolean));

export function evaluateTargets(scenarios) {
  const get = lookup(scenarios);
  const targets = [];

  const sizes = [8, 64].filter((n) => get('boot', `boot_${n}`).land);
  if (sizes.length > 0) {
    const parts = [];
    const checks = sizes.map((n) => {
      const c = get('boot', `boot_${n}`);
      const land = c.land?.median;
      const base = c.baseline?.median;
      const peers = PEERS.filter((id) => c[id]?.median != null);
      const r = land != null && base ? land / base : null;
      parts.push(`N=${n}: ${fmt(land)} ms, ${fmt(r, 2)}× baseline; peers ${peers.map((id) => `${id} ${fmt(c[id].median)} ms`).join(', ') || 'none ran'}`);
      return r === null ? null : r <= 1.15 && peers.every((id) => land < c[id].median);
    });
    targets.push({ target: 'boot within 1.15× of the baseline and ahead of every peer', detail: parts.join('; '), met: all(checks) });
  }

  const lost = get('log-relay', 'lost').land;
  const cut = get('log-relay', 'cut').land;
  if (lost) {
    const worst = Math.max(...lost.values, ...(cut?.values ?? []));
    targets.push({ target: 'zero lines lost or cut (land)', detail: `lost ${lost.values.join(', ')} · cut ${(cut?.values ?? []).join(', ')} (per round)`, met: worst === 0 });
  }

  const rate = get('log-relay', 'throughput');
  if (rate.land) {
    const r = rate.concurrently?.median ? rate.land.median / rate.concurrently.median : null;
    targets.push({
      target: "log relay at least 2× concurrently's",
      detail: `land ${fmt(rate.land.median, 1)} MB/s, concurrently ${fmt(rate.concurrently?.median, 1)} MB/s: ${fmt(r, 2)}×`,
      met: r === null ? null : r >= 2,
    });
  }

  const rss = get('memory', 'peak_rss').land;
  if (rss) targets.push({ target: 'supervisor RSS under 90 MB with 64 children', detail: `land peak ${fmt(rss.median, 1)} MB (max ${fmt(rss.max, 1)})`, met: rss.median < 90 });

  const stop = get('shutdown', 'stop_64').land;
  const survivors = get('shutdown', 'survivors_64').land;
  if (stop || survivors) {
    const anySurvivor = (survivors?.values ?? []).some((v) => v > 0);
    targets.push({
      target: 'shutdown of 64 children (with grandchildren) within 300 ms, no survivor',
      detail: `land ${fmt(stop?.median)} ms (max ${fmt(stop?.max)}), survivors per round ${(survivors?.values ?? []).join(', ')}`,
      met: stop?.median == null ? false : stop.median <= 300 && !anySurvivor,
    });
  }

  const tele = [8, 64].filter((n) => get('telemetry', `boot_${n}`).off);
  if (tele.length > 0) {
    const parts = [];
    const checks = tele.map((n) => {
      const c = get('telemetry', `boot_${n}`);
      const r = c.dead?.ratio ?? null;
      parts.push(`N=${n}: off ${fmt(c.off.median)} ms, dead hosts ${fmt(c.dead?.median)} ms (${r == null ? '—' : `${r >= 1 ? '+' : ''}${fmt((r - 1) * 100, 1)} %`})`);
      return r === null ? null : r < 1.05;
    });
    targets.push({ target: 'telemetry against dead hosts adds under 5 % to boot', detail: parts.join('; '), met: all(checks) });
  }

  const ingest = get('receiver', 'spans_per_s');
  if (ingest.land) {
    const r = ingest.floor?.median ? ingest.land.median / ingest.floor.median : null;
    targets.push({
      target: "the receiver ingests at least half the floor's spans per second",
      detail: `land ${fmt(ingest.land.median)} spans/s, node:http read-and-discard ${fmt(ingest.floor?.median)} spans/s: ${fmt(r, 2)}×`,
      met: r === null ? null : r >= 0.5,
    });
  }
  const receiverBoot = get('receiver', 'boot_8');
  if (receiverBoot.on) {
    const r = receiverBoot.on.ratio ?? null;
    const rss = get('receiver', 'idle_rss_8');
    targets.push({
      target: 'the receiver adds under 3 % to boot',
      detail: `N=8: off ${fmt(receiverBoot.off?.median)} ms, on ${fmt(receiverBoot.on.median)} ms (${r == null ? '—' : `${r >= 1 ? '+' : ''}${fmt((r - 1) * 100, 1)} %`}); RSS off ${fmt(rss.off?.median, 1)} MB, on ${fmt(rss.on?.median, 1)} MB`,
      met: r === null ? null : r < 1.03,
    });
  }
  return targets;
}
