export type HealthState =
  { status: 'loading' } | { status: 'ok'; version: string } | { status: 'error'; message: string };

interface HealthBody {
  ok?: unknown;
  version?: unknown;
}

/** Reads `GET /api/health`; any failure becomes a readable state, never a thrown error. */
export async function fetchHealth(fetchImpl: typeof fetch = fetch): Promise<HealthState> {
  try {
    const response = await fetchImpl('/api/health', { headers: { accept: 'application/json' } });
    if (!response.ok) return { status: 'error', message: `the hub answered ${response.status}` };
    const body = (await response.json()) as HealthBody;
    if (body.ok !== true || typeof body.version !== 'string') {
      return { status: 'error', message: 'the hub answered an unexpected health body' };
    }
    return { status: 'ok', version: body.version };
  } catch {
    return { status: 'error', message: 'the hub cannot be reached' };
  }
}
