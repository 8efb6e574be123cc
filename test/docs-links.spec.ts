import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Every relative link and image in README.md and docs/**\/*.md points at a file or directory that exists, and every
 * `#anchor` at a heading (GitHub's slugs) or an `<a id>` of the Markdown file it names. Links with a scheme (http:,
 * https:, mailto:, …) are not checked. Code blocks and code spans hold no links.
 */

const ROOT = path.resolve(__dirname, '..');

interface Link {
  readonly line: number;
  readonly target: string;
}

/** Blanks out what holds no links (fenced code, code spans, HTML comments), keeping every offset and line. */
function withoutCode(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let fence: string | undefined;
  const lines = text.split('\n').map((line) => {
    const open = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length && line.trim() === open[1])
        fence = undefined;
      return blank(line);
    }
    if (open) {
      fence = open[1];
      return blank(line);
    }
    return line;
  });
  return lines
    .join('\n')
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/(`+)((?:[^`\n]|\n(?![ \t]*\n))+?)\1(?!`)/g, blank);
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** Inline links and images, reference definitions, and HTML href/src attributes. */
function linksOf(markdown: string): Link[] {
  const text = withoutCode(markdown);
  const links: Link[] = [];
  const inline =
    /!?\[(?:[^[\]]|\[[^[\]]*\])*\]\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
  for (const m of text.matchAll(inline))
    links.push({ line: lineAt(text, m.index), target: m[1].replace(/^<|>$/g, '') });
  for (const m of text.matchAll(/^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/gm)) {
    links.push({ line: lineAt(text, m.index), target: m[1].replace(/^<|>$/g, '') });
  }
  for (const m of text.matchAll(/<(?:a|img)\b[^>]*?\s(?:href|src)\s*=\s*["']([^"']*)["']/gi))
    links.push({ line: lineAt(text, m.index), target: m[1] });
  return links;
}

/** GitHub's heading id: lower case, punctuation and symbols dropped (not `-` or `_`), each space a hyphen. */
function githubSlug(heading: string): string {
  return heading
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown file offers: its ATX headings (repeats get -1, -2, …, as on GitHub) and its `<a id|name>`. */
function anchorsOf(markdown: string): Set<string> {
  const text = withoutCode(markdown);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of text.matchAll(/^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm)) {
    // The heading's own text, code spans included (withoutCode blanked them in `text`).
    const start = m.index + m[0].indexOf(m[1]);
    const slug = githubSlug(
      markdown
        .slice(start, start + m[1].length)
        .replace(/`/g, '')
        .trim(),
    );
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\b[^>]*?\s(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(m[1]);
  return anchors;
}

/** README.md and every Markdown file under docs/, relative to root. */
function documentationFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) found.push(rel);
    }
  };
  if (fs.existsSync(path.join(root, 'README.md'))) found.push('README.md');
  if (fs.existsSync(path.join(root, 'docs'))) walk('docs');
  return found.sort();
}

/** One line per link that leads nowhere: `file:line: target: why`. */
function brokenLinks(root: string, files: readonly string[] = documentationFiles(root)): string[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (abs: string) => {
    if (!anchorCache.has(abs)) anchorCache.set(abs, anchorsOf(fs.readFileSync(abs, 'utf8')));
    return anchorCache.get(abs)!;
  };
  const broken: string[] = [];
  for (const file of files) {
    const abs = path.join(root, file);
    for (const { line, target } of linksOf(fs.readFileSync(abs, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:, …: not ours to check
      const report = (why: string) => broken.push(`${file}:${line}: ${target}: ${why}`);
      const hash = target.indexOf('#');
      const rawPath = hash < 0 ? target : target.slice(0, hash);
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      if (!rawPath && anchor === undefined) {
        report('empty link');
        continue;
      }
      const decoded = decodeURIComponent(rawPath);
      const dest = !decoded
        ? abs
        : decoded.startsWith('/')
          ? path.join(root, decoded)
          : path.resolve(path.dirname(abs), decoded);
      if (!fs.existsSync(dest)) {
        report(`${path.relative(root, dest) || '.'} does not exist`);
        continue;
      }
      if (anchor === undefined || !dest.endsWith('.md') || !fs.statSync(dest).isFile()) continue;
      if (!anchors(dest).has(anchor)) report(`no heading or anchor "#${anchor}" in ${path.relative(root, dest)}`);
    }
  }
  return broken;
}

describe('links in README.md and docs/', () => {
  it('covers the README and the docs', () => {
    const files = documentationFiles(ROOT);
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.startsWith(`docs${path.sep}`)).length).toBeGreaterThan(5);
  });

  it('point at files, directories and headings that exist', () => {
    expect(brokenLinks(ROOT)).toEqual([]);
  });
});

describe('the link checker', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-links-'));
    fs.mkdirSync(path.join(dir, 'docs', 'adr'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'libs', 'city'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'docs', 'adr', '0001-x.md'), '# 0001. Commit before acknowledge\n\n## Context\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const check = (readme: string, docs: Record<string, string> = {}) => {
    fs.writeFileSync(path.join(dir, 'README.md'), readme);
    for (const [name, text] of Object.entries(docs)) fs.writeFileSync(path.join(dir, 'docs', name), text);
    return brokenLinks(dir);
  };

  it('reports a missing file, a missing directory and a missing heading, with file and line', () => {
    const readme = [
      '# Title',
      '',
      'See [a](docs/nope.md) and',
      '![img](docs/pic.png), [lib](libs/incidents/),',
      '[adr](docs/adr/0001-x.md#decision).',
    ].join('\n');
    expect(check(readme)).toEqual([
      'README.md:3: docs/nope.md: docs/nope.md does not exist',
      'README.md:4: docs/pic.png: docs/pic.png does not exist',
      'README.md:4: libs/incidents/: libs/incidents does not exist',
      'README.md:5: docs/adr/0001-x.md#decision: no heading or anchor "#decision" in docs/adr/0001-x.md',
    ]);
  });

  it('accepts existing files, directories, headings and same-file anchors; ignores schemes and code', () => {
    const readme = [
      '# Sóc Trăng IOC',
      '## Run it: `npm start` (fast)',
      '## Run it: `npm start` (fast)',
      '<a id="custom"></a>',
      '[dir](libs/city/) [adr](docs/adr/0001-x.md#context) [t](docs/adr/0001-x.md#0001-commit-before-acknowledge)',
      '[self](#sóc-trăng-ioc) [dup](#run-it-npm-start-fast-1) [c](#custom) [ref]',
      '[web](https://example.org/x) [mail](mailto:a@b.c) <https://example.org>',
      '`[not a link](nowhere.md)`',
      '```',
      '[not a link either](nowhere.md)',
      '```',
      '',
      '[ref]: libs/city/',
    ].join('\n');
    expect(check(readme)).toEqual([]);
  });

  it('resolves links relative to the file that holds them', () => {
    expect(check('# R\n', { 'a.md': '[up](../README.md#r) [sib](adr/0001-x.md) [bad](../docs/a.md#nope)' })).toEqual([
      'docs/a.md:1: ../docs/a.md#nope: no heading or anchor "#nope" in docs/a.md',
    ]);
  });

  it('makes GitHub slugs', () => {
    expect(githubSlug('Restructure (issue 16), 2026-12-07')).toBe('restructure-issue-16-2026-12-07');
    expect(githubSlug('Ingest: the write path')).toBe('ingest-the-write-path');
    expect(githubSlug('bench:latency')).toBe('benchlatency');
    expect(githubSlug('CAP 1.2 export')).toBe('cap-12-export');
    expect(githubSlug('Users, roles and sign-in')).toBe('users-roles-and-sign-in');
    expect(githubSlug('INGEST_MAX_BATCH → [docs](x.md)')).toBe('ingest_max_batch--docs');
  });
});
