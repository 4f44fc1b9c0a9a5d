import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthStatus } from './app';

afterEach(cleanup);

describe('HealthStatus', () => {
  it('says it is checking while loading', () => {
    render(<HealthStatus health={{ status: 'loading' }} />);
    expect(screen.getByRole('status').textContent).toBe('Checking the hub…');
  });

  it('shows the version of a healthy hub', () => {
    render(<HealthStatus health={{ status: 'ok', version: '0.1.0' }} />);
    expect(screen.getByRole('status').textContent).toBe('Hub 0.1.0 is running.');
  });

  it('announces a failure as an alert', () => {
    render(<HealthStatus health={{ status: 'error', message: 'the hub answered 503' }} />);
    expect(screen.getByRole('alert').textContent).toBe('The hub is not healthy: the hub answered 503.');
  });
});
