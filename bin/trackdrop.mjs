#!/usr/bin/env node
// The operator CLI: `trackdrop --help`. Runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
