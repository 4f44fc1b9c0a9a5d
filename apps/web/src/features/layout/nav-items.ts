/** What the navigation offers each role: guests never see the admin section (the hub refuses it anyway). */
import type { Role } from '../../lib/api-types';

export type NavIcon =
  'playground' | 'account' | 'providers' | 'modelRates' | 'users' | 'audit' | 'usage' | 'settings';

export interface NavItem {
  label: string;
  to: string;
  icon: NavIcon;
}

export interface NavSection {
  title: string | null;
  items: NavItem[];
}

export const ADMIN_ITEMS: NavItem[] = [
  { label: 'Providers', to: '/admin/providers', icon: 'providers' },
  { label: 'Model rates', to: '/admin/model-rates', icon: 'modelRates' },
  { label: 'Users', to: '/admin/users', icon: 'users' },
  { label: 'Audit trail', to: '/admin/audit', icon: 'audit' },
  { label: 'Usage', to: '/admin/usage', icon: 'usage' },
  { label: 'Settings', to: '/admin/settings', icon: 'settings' },
];

export function isAdminRole(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

export function navSections(role: Role): NavSection[] {
  const everyone: NavSection = {
    title: null,
    items: [
      { label: 'Playground', to: '/playground', icon: 'playground' },
      { label: 'My account', to: '/account', icon: 'account' },
    ],
  };
  return isAdminRole(role) ? [everyone, { title: 'Admin', items: ADMIN_ITEMS }] : [everyone];
}

/** Where to go to sign in again, remembering the page (only paths inside the app, never another site). */
export function signInPath(reason: 'expired' | 'signed-out' | null, next: string | null): string {
  const params = new URLSearchParams();
  if (reason) params.set('reason', reason);
  if (next && next !== '/' && !next.startsWith('/login')) params.set('next', next);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}

/** A `next` parameter that is safe to follow: a path of this app, not `//evil.example` or `https://...`. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/playground';
  return next.startsWith('/login') ? '/playground' : next;
}
