import { useEffect, useState } from 'react';
import { fetchHealth, type HealthState } from './health';

export function HealthStatus({ health }: { health: HealthState }) {
  switch (health.status) {
    case 'loading':
      return <p role="status">Checking the hub…</p>;
    case 'ok':
      return <p role="status">Hub {health.version} is running.</p>;
    case 'error':
      return <p role="alert">The hub is not healthy: {health.message}.</p>;
  }
}

export function App() {
  const [health, setHealth] = useState<HealthState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    void fetchHealth().then((state) => {
      if (live) setHealth(state);
    });
    return () => {
      live = false;
    };
  }, []);
  return (
    <main>
      <h1>aigne-hub</h1>
      <HealthStatus health={health} />
    </main>
  );
}
