/** The README's diagrams are what `docker-resource graph` prints now: a machine change that is not redrawn fails here. */
import { expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { machineDiagram, type MachineName } from '../../src/graph.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

it.each(['resource', 'layer'] as MachineName[])('the %s diagram in the README is the machine as it is', (machine) => {
  const block = new RegExp(`<!-- graph: ${machine} -->\\n\`\`\`mermaid\\n([^]*?)\\n\`\`\``).exec(README);
  expect(block?.[1]).toBe(machineDiagram('mermaid', machine));
});
