// Chains through a lockfile's graph: shortest wins, duplicates fold, very deep chains stay bounded.
import { describe, expect, it } from 'vitest';
import { addEdge, emptyGraph, packagesOfGraph, rootsByIndegree } from '../../../src/acquire/lockfiles/graph.js';

function linear(length: number) {
  const graph = emptyGraph();
  for (let i = 0; i < length; i++) {
    graph.nodes.set(`n${i}`, { name: `p${i}`, version: '1.0.0' });
    if (i > 0) addEdge(graph, `n${i - 1}`, `n${i}`);
  }
  graph.roots = rootsByIndegree(graph);
  return graph;
}

describe('packagesOfGraph', () => {
  it('keeps the head and tail of a very deep chain around a count', () => {
    const packages = packagesOfGraph(linear(20), 'npm', '/lock');
    const labels = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `p${from + i}@1.0.0`);
    expect(packages[15]!.dependencyPath).toEqual(labels(0, 15));
    expect(packages[19]!.dependencyPath).toEqual([...labels(0, 8), '(4 more)', ...labels(12, 19)]);
  });

  it('folds copies of one name@version into one package with the shortest chain', () => {
    const graph = emptyGraph();
    graph.nodes.set('a', { name: 'a', version: '1' });
    graph.nodes.set('b', { name: 'b', version: '1' });
    graph.nodes.set('deep', { name: 'x', version: '1' });
    graph.nodes.set('near', { name: 'x', version: '1' });
    addEdge(graph, 'a', 'b');
    addEdge(graph, 'b', 'deep');
    addEdge(graph, 'a', 'near');
    graph.roots = ['a'];
    const x = packagesOfGraph(graph, 'npm', '/lock').filter((p) => p.name === 'x');
    expect(x).toEqual([{ ecosystem: 'npm', name: 'x', version: '1', paths: ['/lock'], dependencyPath: ['a@1'] }]);
  });

  it('claims no chain for a package no root reaches', () => {
    const graph = emptyGraph();
    graph.nodes.set('a', { name: 'a', version: '1' });
    graph.nodes.set('c1', { name: 'c1', version: '1' });
    graph.nodes.set('c2', { name: 'c2', version: '1' });
    addEdge(graph, 'c1', 'c2');
    addEdge(graph, 'c2', 'c1');
    graph.roots = rootsByIndegree(graph);
    const packages = packagesOfGraph(graph, 'npm', '/lock');
    expect(packages.map((p) => [p.name, p.dependencyPath])).toEqual([['a', []], ['c1', undefined], ['c2', undefined]]);
  });
});
