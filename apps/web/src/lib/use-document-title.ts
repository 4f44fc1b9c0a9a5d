import { useEffect } from 'react';

/** The browser tab says which page this is (and screen readers announce it on navigation). */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · aigne-hub`;
  }, [title]);
}
