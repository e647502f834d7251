import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Document, type RulesetDefinition, Spectral } from '@stoplight/spectral-core';
import Parsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { openApiDocument } from '../../functions/api/openApi.js';
import { defaultSettings } from '../../functions/settings.js';

/** The document as GET /v1/openapi.json serves it, as JSON text so a finding has a place in it. */
const source = JSON.stringify(openApiDocument(defaultSettings), null, 2);

/** Spectral's DiagnosticSeverity, by value. */
const spectralSeverity = ['error', 'warn', 'info', 'hint'];

test("Spectral's spectral:oas ruleset finds nothing in the document: no error, warning, info or hint", async () => {
  const spectral = new Spectral();
  // The ruleset's declaration widens its rules' severities to number and string; the value is the ruleset itself.
  spectral.setRuleset(oas as RulesetDefinition);
  const findings = await spectral.run(new Document(source, Parsers.Json, 'openapi.json'));
  const listed = findings.map(
    (f) => `${spectralSeverity[f.severity] ?? f.severity} ${f.code} at ${f.path.join('.') || '(root)'}: ${f.message}`,
  );
  assert.deepEqual(listed, [], `Spectral, ${listed.length} finding(s):\n${listed.join('\n')}`);
});

test("Redocly's recommended ruleset finds nothing in the document: no error or warning", async () => {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
  const listed = problems.map((p) => {
    const at = p.location.map((l) => l.pointer ?? ('start' in l ? `line ${l.start.line}` : '?')).join(', ');
    return `${p.severity} ${p.ruleId} at ${at || '(root)'}: ${p.message}`;
  });
  assert.deepEqual(listed, [], `Redocly, ${listed.length} finding(s):\n${listed.join('\n')}`);
});
