#!/usr/bin/env node
// Runs every check of the workspace (format, lint, typecheck, tests) through turbo, then prints one
// summary that CI reads: the last line is exactly `N passed, N failed`.
// Tests are counted from each package's vitest JSON report; each lint/typecheck/format task counts as one
// check. A test task that crashed without a report counts as one failure, so nothing can fail silently.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const packageDirs = ['apps', 'packages'].flatMap((group) =>
  fs
    .readdirSync(path.join(root, group), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && fs.existsSync(path.join(root, group, entry.name, 'package.json')),
    )
    .map((entry) => path.join(root, group, entry.name)),
);

// A report left over from an earlier run must never be counted as this run's.
for (const dir of packageDirs) fs.rmSync(path.join(dir, '.vitest-results.json'), { force: true });
const runsDir = path.join(root, '.turbo', 'runs');
fs.rmSync(runsDir, { recursive: true, force: true });

const extraArgs = process.argv.slice(2);
const turbo = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    '//#format:check',
    'lint',
    'typecheck',
    'test',
    '--continue=always',
    '--summarize',
    '--concurrency=3',
    ...extraArgs,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' } },
);

let summary = { tasks: [] };
const runFiles = fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((f) => f.endsWith('.json')) : [];
if (runFiles.length > 0) summary = JSON.parse(fs.readFileSync(path.join(runsDir, runFiles[0]), 'utf8'));

let checksPassed = 0;
let checksFailed = 0;
const failedChecks = [];
let testsPassed = 0;
let testsFailed = 0;
const lines = [];

for (const task of summary.tasks) {
  const [pkg, name] = task.taskId.includes('#') ? task.taskId.split('#') : ['//', task.taskId];
  const exitCode = task.execution?.exitCode;
  if (name !== 'test') {
    if (exitCode === 0) checksPassed += 1;
    else {
      checksFailed += 1;
      failedChecks.push(task.taskId);
    }
    continue;
  }
  const report = path.join(root, task.directory ?? '', '.vitest-results.json');
  if (!fs.existsSync(report)) {
    testsFailed += 1;
    lines.push(`  ${pkg}: no test report (the test task exited ${exitCode ?? 'without running'})`);
    continue;
  }
  const result = JSON.parse(fs.readFileSync(report, 'utf8'));
  // A file that failed to load has no assertions but is a failure all the same.
  const brokenFiles = result.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed'),
  ).length;
  const failed = result.numFailedTests + brokenFiles;
  testsPassed += result.numPassedTests;
  testsFailed += failed;
  lines.push(`  ${pkg}: ${result.numPassedTests} passed, ${failed} failed`);
  if (failed === 0 && exitCode !== 0) {
    testsFailed += 1;
    lines.push(`  ${pkg}: test task exited ${exitCode} although every test passed`);
  }
}

if (summary.tasks.length === 0) {
  checksFailed += 1;
  failedChecks.push('turbo produced no run summary');
}

console.log('\nTest summary');
for (const line of lines) console.log(line);
console.log(`  checks (format, lint, typecheck): ${checksPassed} passed, ${checksFailed} failed`);
for (const id of failedChecks) console.log(`    failed: ${id}`);
const passed = testsPassed + checksPassed;
const failed = testsFailed + checksFailed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
