#!/usr/bin/env node
// The hub runs its TypeScript sources through tsx's loader (internal packages export source, not builds).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
