/** The dashboard page: a header with the stack's identity and pipes, navigation, and one page at a time. */
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { useRoute, useStore } from './hooks.js';
import { LogsPage } from './pages/logs.js';
import { MetricsPage } from './pages/metrics.js';
import { TelemetryPage } from './pages/telemetry.js';
import { TiersPage } from './pages/tiers.js';
import { TracesPage } from './pages/traces.js';
import { pageHref, rememberView } from './page-views.js';
import { store } from './store.js';

const PAGES = [
  ['tiers', 'Tiers'],
  ['logs', 'Logs'],
  ['traces', 'Traces'],
  ['metrics', 'Metrics'],
  ['telemetry', 'Telemetry'],
] as const;

function Header() {
  const { snapshot, connected, problem, stopped } = useStore();
  return (
    <header class="top">
      <div class="identity">
        <strong>land</strong>
        {snapshot && (
          <>
            <span>{snapshot.app}</span>
            <span>
              profile <b data-testid="profile">{snapshot.profile}</b>
            </span>
            <span>
              boot <code>{snapshot.bootId}</code>
            </span>
            <span>
              trace <code data-testid="trace-id">{snapshot.traceId}</code>
            </span>
          </>
        )}
      </div>
      <div class="connection" role="status" aria-live="polite" data-stopped={stopped ? 'true' : undefined}>
        {problem === 'unauthorized'
          ? 'Session ended: open the URL `land dashboard` prints'
          : stopped
            ? `■ the stack has stopped${problem ? `; ${problem}` : ' · this page reconnects when a boot serves here again'}`
            : problem ?? (snapshot?.shuttingDown ? 'stack shutting down' : connected ? '● live' : '○ reconnecting…')}
      </div>
    </header>
  );
}

/** `land up --watch-config`: a saved config land could not apply, shown until a later save applies (the snapshot's). */
function ConfigNotice() {
  const error = useStore().snapshot?.configWatch?.error;
  if (!error) return null;
  return (
    <p class="config-notice error" role="alert" data-testid="config-error">
      {error.message}
    </p>
  );
}

function App() {
  const route = useRoute();
  const current = PAGES.some(([page]) => page === route.page) ? route.page : 'tiers';
  // Before the navigation is drawn: its link to this page is to where it is now.
  if (current === route.page) rememberView(route);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Header />
      <ConfigNotice />
      <nav aria-label="Pages">
        <ul>
          {PAGES.map(([page, label]) => (
            <li key={page}>
              <a href={pageHref(page)} aria-current={current === page ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {current === 'tiers' && <TiersPage route={route} />}
        {current === 'logs' && <LogsPage route={route} />}
        {current === 'traces' && <TracesPage route={route} />}
        {current === 'metrics' && <MetricsPage route={route} />}
        {current === 'telemetry' && <TelemetryPage />}
      </main>
    </>
  );
}

store.start();
const container = document.getElementById('app')!;
container.textContent = ''; // the "Loading…" placeholder: render adds to what is there
render(<App />, container);
