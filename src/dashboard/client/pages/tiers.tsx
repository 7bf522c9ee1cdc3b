/**
 * Tiers: one live row per tier in dependency order (state word and colour, pid, uptime, restarts, time to ready,
 * CPU and memory of the tree, its http endpoints as links, last line or why), Start/Stop/Restart buttons that say why
 * when they cannot act, and a detail view (command, cwd, endpoints, probes, environment with secrets masked). ↑/↓ move between rows, Enter opens one.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TierSnapshot } from '../../../supervisor/types.js';
import { restartAction, startStopAction } from '../../../tui/actions.js';
import { tierCells } from '../../../tui/tier-view.js';
import type { CommandResult } from '../../../control/protocol.js';
import type { EndpointsView, TierDetail } from '../../wire.js';
import { getJson, postJson } from '../api.js';
import { href, useStore, type Route } from '../hooks.js';
import { store } from '../store.js';
import { PairRows } from '../pairs.js';
import { TableHead } from '../table-head.js';

type Action = 'start' | 'stop' | 'restart';

/** Whether the button can act now, and if not, why (the TUI's rules: src/tui/actions.ts). */
export function actionState(tier: TierSnapshot, action: Action): { enabled: boolean; why?: string } {
  const decided = action === 'restart' ? restartAction(tier) : startStopAction(tier);
  if (decided.kind === action) return { enabled: true };
  if (decided.kind === 'refuse') return { enabled: false, why: decided.message };
  return { enabled: false, why: action === 'start' ? `${tier.name} is already running` : `${tier.name} is not running` };
}

const LABEL: Record<Action, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };
const DONE: Record<Action, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };

function Actions({ tier, onResult }: { tier: TierSnapshot; onResult: (text: string, error?: boolean) => void }) {
  const [busy, setBusy] = useState(false);
  const { stopped } = useStore();
  const run = async (action: Action) => {
    setBusy(true);
    try {
      const result = await postJson<CommandResult>(`/api/tiers/${encodeURIComponent(tier.name)}/${action}`);
      const pid = result.tier.pid !== undefined ? ` (pid ${result.tier.pid})` : '';
      onResult(`${tier.name} ${DONE[action]}${pid}`);
    } catch (error) {
      onResult(`${LABEL[action]} ${tier.name} failed: ${(error as Error).message}`, true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="actions">
      {(['start', 'stop', 'restart'] as const).map((action) => {
        // A stack that has stopped takes no command: nothing is there to take it.
        const { enabled, why } = stopped ? { enabled: false, why: 'the stack has stopped' } : actionState(tier, action);
        return (
          <button key={action} type="button" disabled={!enabled || busy} title={why ?? `${LABEL[action]} ${tier.name}`} onClick={() => void run(action)}>
            {`${LABEL[action]} ${tier.name}`}
          </button>
        );
      })}
    </div>
  );
}

/** What the tier is now and how it is configured (the config masked by the server: tier-detail.ts). */
function Facts({ detail, live, endpoints }: { detail: TierDetail; live: TierSnapshot; endpoints?: Endpoints }) {
  return (
    <dl class="facts">
      <dt>now</dt>
      <dd data-testid="detail-now">
        {live.state}
        {live.pid !== undefined && `, pid ${live.pid}`}
      </dd>
      {detail.replicaOf && (
        <>
          <dt>replica</dt>
          <dd>
            {detail.replica} of {detail.replicaOf}: its own process, state and log; {detail.replicaOf}'s config, with its own PORT and LAND_REPLICA
          </dd>
        </>
      )}
      {detail.description && (
        <>
          <dt>description</dt>
          <dd>{detail.description}</dd>
        </>
      )}
      <dt>command</dt>
      <dd>
        <code>{detail.shell ? detail.command.join(' ') : detail.command.map((arg) => (/\s/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}</code>
        {detail.shell && ' (a shell line, run with /bin/sh -c)'}
      </dd>
      <dt>cwd</dt>
      <dd>
        <code>{detail.cwd}</code>
      </dd>
      <dt>endpoints</dt>
      <dd data-testid="detail-endpoints">
        <EndpointLinks info={endpoints} withVia />
      </dd>
      <dt>ready when</dt>
      <dd>{detail.ready}</dd>
      <dt>liveness</dt>
      <dd>{detail.liveness ?? 'none'}</dd>
      <dt>depends on</dt>
      <dd>{Object.entries(detail.dependsOn).map(([dep, condition]) => `${dep} (${condition})`).join(', ') || 'nothing'}</dd>
      <dt>restart</dt>
      <dd>{detail.restart}</dd>
      <dt>stop</dt>
      <dd>{detail.stop}</dd>
      <dt>limits</dt>
      <dd>{detail.limits ?? 'none'}</dd>
      {detail.daemon && (
        <>
          <dt>daemon</dt>
          <dd>{detail.daemon}</dd>
        </>
      )}
    </dl>
  );
}

/** The environment the tier's process gets, as the server masked it. */
function Environment({ name, detail }: { name: string; detail: TierDetail }) {
  return (
    <>
      <h3>
        Environment ({detail.env.length} variables, {detail.masked} masked)
      </h3>
      <div class="env-scroll">
        <table class="env">
          <caption class="sr-only">Environment of {name}</caption>
          <TableHead columns={['name', 'value']} />
          <PairRows pairs={detail.env} />
        </table>
      </div>
    </>
  );
}

function Detail({ name, live, endpoints, onClose }: { name: string; live: TierSnapshot; endpoints?: Endpoints; onClose: () => void }) {
  const [detail, setDetail] = useState<TierDetail | { error: string }>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    getJson<TierDetail>(`/api/tiers/${encodeURIComponent(name)}`).then(setDetail, (error: Error) => setDetail({ error: error.message }));
    heading.current?.focus();
  }, [name]);
  return (
    <section class="detail" aria-labelledby="tier-detail-title">
      <div class="detail-head">
        <h2 id="tier-detail-title" tabIndex={-1} ref={heading}>
          {name}
        </h2>
        <a href={href('logs', { tier: name })}>Logs of {name}</a>
        <a href={href('traces', { tier: name })}>Traces of {name}</a>
        <a href={href('metrics', { tier: name })}>Metrics of {name}</a>
        <button type="button" onClick={onClose}>
          Close details
        </button>
      </div>
      {!detail && <p>Loading…</p>}
      {detail && 'error' in detail && <p class="error">{detail.error}</p>}
      {detail && !('error' in detail) && (
        <>
          <Facts detail={detail} live={live} endpoints={endpoints} />
          <Environment name={name} detail={detail} />
        </>
      )}
    </section>
  );
}

type Endpoints = EndpointsView[string];

/**
 * The instances' endpoints (static config: asked again only when the set of instances changes, `land scale`).
 * A failed request leaves the column empty: the rest of the page does not depend on it.
 */
function useEndpoints(names: string): EndpointsView {
  const [endpoints, setEndpoints] = useState<EndpointsView>({});
  useEffect(() => {
    let live = true;
    getJson<EndpointsView>('/api/endpoints').then(
      (view) => live && setEndpoints(view),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [names]);
  return endpoints;
}

/** Links to where the tier answers HTTP (a new tab, no opener, no referrer); a bare port as text: see endpoints.ts. */
function EndpointLinks({ info, withVia }: { info?: Endpoints; withVia?: boolean }) {
  if (!info || (info.endpoints.length === 0 && info.port === undefined)) return <>-</>;
  if (info.endpoints.length === 0) return <span title="its PORT; land knows of no HTTP there (no http probe)">port {info.port}</span>;
  return (
    <ul class="endpoints">
      {info.endpoints.map((endpoint) => (
        <li key={endpoint.url}>
          <a href={endpoint.url} target="_blank" rel="noopener noreferrer" title={endpoint.via}>
            {endpoint.url}
          </a>
          {withVia && ` (${endpoint.via})`}
        </li>
      ))}
    </ul>
  );
}

function moveFocus(event: KeyboardEvent): void {
  const row = (event.target as HTMLElement).closest('tr');
  if (!row || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
  const next = (event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

export function TiersPage({ route }: { route: Route }) {
  const { snapshot, usage } = useStore();
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  const open = route.params.get('tier');
  const [, tick] = useState(0);
  const endpoints = useEndpoints(snapshot?.tiers.map((tier) => tier.name).join(' ') ?? '');
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!snapshot) return <p>Connecting to the stack…</p>;
  const now = store.now();
  const openLive = open ? snapshot.tiers.find((tier) => tier.name === open) : undefined;
  const openTier = (name?: string) => (location.hash = href('tiers', name ? { tier: name } : {}));
  return (
    <>
      <h1 class="page-title">
        Tiers <span class="sub">profile {snapshot.profile} · trace {snapshot.traceId}</span>
      </h1>
      <p class="status-line" role="status" aria-live="polite" data-error={message?.error ? 'true' : undefined}>
        {message?.text ?? ''}
      </p>
      <div class="table-scroll">
        <table class="tiers" aria-label="Tiers in dependency order">
          <TableHead columns={['tier', 'state', 'pid', 'up', 'restarts', 'ready in', 'CPU', 'memory', 'endpoints', 'last line / reason', 'actions']} />
          <tbody onKeyDown={moveFocus}>
            {snapshot.tiers.map((tier) => {
              const cells = tierCells(tier, now, usage[tier.name] ? { ...usage[tier.name]!, processes: 1 } : undefined);
              return (
                <tr
                  key={tier.name}
                  data-tier={tier.name}
                  data-state={tier.state}
                  tabIndex={0}
                  aria-selected={open === tier.name}
                  onKeyDown={(event) => event.key === 'Enter' && event.target === event.currentTarget && openTier(tier.name)}
                >
                  <th scope="row">
                    <a href={href('tiers', { tier: tier.name })}>{tier.name}</a>
                  </th>
                  <td>
                    <span class={`state state-${tier.state}`} data-testid="state">
                      {tier.state}
                    </span>
                  </td>
                  <td data-testid="pid">{cells.pid}</td>
                  <td>{cells.uptime}</td>
                  <td>{cells.restarts}</td>
                  <td>{cells.ready}</td>
                  <td>{cells.cpu}</td>
                  <td>{cells.mem}</td>
                  <td data-testid="endpoints">
                    <EndpointLinks info={endpoints[tier.name]} />
                  </td>
                  <td class="info" title={cells.info}>
                    {cells.info}
                  </td>
                  <td>
                    <Actions tier={tier} onResult={(text, error) => setMessage({ text, error })} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {openLive && <Detail name={openLive.name} live={openLive} endpoints={endpoints[openLive.name]} onClose={() => openTier()} />}
    </>
  );
}
