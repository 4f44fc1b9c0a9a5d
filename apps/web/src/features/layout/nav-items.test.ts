import { describe, expect, it } from 'vitest';
import { navSections, safeNext, signInPath } from './nav-items';

describe('navSections', () => {
  it('gives guests the Playground and their account only', () => {
    const sections = navSections('guest');
    expect(sections).toHaveLength(1);
    expect(sections.flatMap((s) => s.items.map((i) => i.to))).toEqual(['/playground', '/account']);
  });

  it('adds the admin section for admins and owners', () => {
    for (const role of ['admin', 'owner'] as const) {
      const admin = navSections(role)[1]!;
      expect(admin.title).toBe('Admin');
      expect(admin.items.map((i) => i.to)).toEqual([
        '/admin/providers',
        '/admin/model-rates',
        '/admin/users',
        '/admin/audit',
        '/admin/usage',
        '/admin/settings',
      ]);
    }
  });
});

describe('sign-in redirects', () => {
  it('remembers the page and the reason', () => {
    expect(signInPath('expired', '/admin/audit?x=1')).toBe(
      '/login?reason=expired&next=%2Fadmin%2Faudit%3Fx%3D1',
    );
    expect(signInPath(null, '/')).toBe('/login');
    expect(signInPath('signed-out', '/login?next=x')).toBe('/login?reason=signed-out');
  });

  it('follows only paths of this app', () => {
    expect(safeNext('/admin/users')).toBe('/admin/users');
    expect(safeNext(null)).toBe('/playground');
    expect(safeNext('https://evil.example')).toBe('/playground');
    expect(safeNext('//evil.example/x')).toBe('/playground');
    expect(safeNext('/\\evil.example')).toBe('/playground');
    expect(safeNext('/login')).toBe('/playground');
  });
});
