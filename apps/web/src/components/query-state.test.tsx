import type { UseQueryResult } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EmptyState, ErrorState, LoadingState, QueryView } from './query-state';

afterEach(cleanup);

/** The parts of a query result QueryView reads, in each of its states. */
function query<T>(state: Partial<UseQueryResult<T, unknown>>): UseQueryResult<T, unknown> {
  return {
    isPending: false,
    isError: false,
    error: null,
    refetch: () => undefined,
    ...state,
  } as UseQueryResult<T, unknown>;
}

describe('query states', () => {
  it('announces loading politely, with what is loading', () => {
    render(<LoadingState label="Loading rates…" />);
    const status = screen.getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe('Loading rates…');
  });

  it('says what failed, why in the hub’s words, and offers to try again', () => {
    let retried = 0;
    render(
      <ErrorState
        title="The rates could not be loaded"
        error={{
          message: 'Only owners and admins may do this',
          data: { code: 'FORBIDDEN', httpStatus: 403 },
        }}
        onRetry={() => (retried += 1)}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain(
      'The rates could not be loadedOnly owners and admins may do this',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retried).toBe(1);
  });

  it('says the hub cannot be reached when the request never got an answer', () => {
    render(<ErrorState error={new TypeError('Failed to fetch')} />);
    expect(screen.getByRole('alert').textContent).toBe(
      'This could not be loadedThe hub cannot be reached. Check your connection and try again.',
    );
  });

  it('shows an empty state as a heading when it is all the page has', () => {
    render(<EmptyState title="No permission" titleComponent="h1" description="Ask an admin." />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('No permission');
  });

  it('renders loading, then the error, then the data of a query', () => {
    const { rerender } = render(
      <QueryView query={query<string>({ isPending: true })} loadingLabel="Loading keys…">
        {(data) => <p>{data}</p>}
      </QueryView>,
    );
    expect(screen.getByRole('status').textContent).toBe('Loading keys…');
    rerender(
      <QueryView query={query<string>({ isError: true, error: new Error('boom') })} errorTitle="No keys">
        {(data) => <p>{data}</p>}
      </QueryView>,
    );
    expect(screen.getByRole('alert').textContent).toBe('No keysboomTry again');
    rerender(<QueryView query={query<string>({ data: 'two keys' })}>{(data) => <p>{data}</p>}</QueryView>);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('two keys').tagName).toBe('P');
  });
});
