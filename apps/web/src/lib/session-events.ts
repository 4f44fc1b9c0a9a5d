/**
 * "The hub no longer accepts this browser's session": raised by whatever call noticed it (any tRPC call, the
 * Playground's gateway call) and handled in one place, the app shell, which sends the user to the sign-in page
 * with a message instead of leaving a page of errors behind.
 */
type Listener = () => void;

const listeners = new Set<Listener>();

export function onSessionEnded(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function reportSessionEnded(): void {
  for (const listener of [...listeners]) listener();
}

/**
 * Whether this browser signed in before (and did not sign out). It tells "your session has ended" apart from
 * "you have not signed in yet"; it is a hint only, the hub decides who is signed in.
 */
const HINT_KEY = 'aigne-hub.signed-in';

export const sessionHint = {
  set(storage: Storage = localStorage): void {
    storage.setItem(HINT_KEY, '1');
  },
  clear(storage: Storage = localStorage): void {
    storage.removeItem(HINT_KEY);
  },
  present(storage: Storage = localStorage): boolean {
    return storage.getItem(HINT_KEY) === '1';
  },
};
