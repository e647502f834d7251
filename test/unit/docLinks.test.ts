import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../infra/cdk/TrackdropFunction.js';
import { githubSlug, headingAnchors, markdownLinks } from '../support/markdownLinks.js';

/** Every relative link of a Markdown file that leads nowhere: a missing file or heading. */
function brokenLinks(file: string, root: string): string[] {
  const problems: string[] = [];
  for (const { line, target } of markdownLinks(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not a file here
    const [path = '', anchor] = target.split('#', 2);
    const where = `${relative(root, file)}:${line} → ${target}`;
    const linked = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(linked)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (statSync(linked).isDirectory() || !linked.endsWith('.md')) {
      problems.push(`${where}: an anchor on a file without headings`);
      continue;
    }
    if (!headingAnchors(readFileSync(linked, 'utf8')).has(decodeURIComponent(anchor))) {
      problems.push(`${where}: no such heading`);
    }
  }
  return problems;
}

function docFiles(root: string): string[] {
  const docs = join(root, 'docs');
  const inDocs = existsSync(docs) ? readdirSync(docs).filter((name) => name.endsWith('.md')) : [];
  return [join(root, 'README.md'), ...inDocs.map((name) => join(docs, name))];
}

test('every relative link in the README and docs/ leads to a file, and every anchor to a heading', () => {
  const files = docFiles(repoRoot);
  assert.ok(files.length > 5, files.join(' '));
  assert.deepEqual(
    files.flatMap((file) => brokenLinks(file, repoRoot)),
    [],
  );
});

test('the README links every page in docs/', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const linked = new Set(markdownLinks(readme).map(({ target }) => target.split('#', 1)[0]));
  const unlinked = docFiles(repoRoot)
    .slice(1)
    .map((file) => relative(repoRoot, file))
    .filter((page) => !linked.has(page));
  assert.deepEqual(unlinked, []);
});

test('a link to a missing file or heading is reported, with its line', () => {
  const root = mkdtempSync(join(tmpdir(), 'doc-links-'));
  try {
    writeFileSync(join(root, 'README.md'), '# Top\n\n## Two words\n\nSee [a](other.md#gone) and [b](missing.md).\n');
    writeFileSync(
      join(root, 'other.md'),
      '# Here\n\n[up](README.md#two-words) [self](#here)\n\n```\n[code](nowhere.md)\n```\n',
    );
    assert.deepEqual(brokenLinks(join(root, 'README.md'), root), [
      'README.md:5 → other.md#gone: no such heading',
      'README.md:5 → missing.md: no such file',
    ]);
    assert.deepEqual(brokenLinks(join(root, 'other.md'), root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('heading anchors are the slugs GitHub gives', () => {
  assert.equal(githubSlug('The listener API (`/v1/me/…`) and the locker'), 'the-listener-api-v1me-and-the-locker');
  assert.equal(githubSlug('The stack as deployed, run here'), 'the-stack-as-deployed-run-here');
  assert.equal(githubSlug('HRESULTs trackdrop reports'), 'hresults-trackdrop-reports');
  assert.deepEqual([...headingAnchors('# Notes\n\n## Notes\n\n## Notes\n')], ['notes', 'notes-1', 'notes-2']);
});
