import { describe, expect, it } from 'vitest';
import { parseJsonObject, parseToolArguments, ToolCallCollector } from './aigne-tool-calls';

describe('ToolCallCollector', () => {
  it('assembles calls from streamed pieces, in index order', () => {
    const collector = new ToolCallCollector();
    collector.push([
      { index: 1, id: 'call_b', type: 'function', function: { name: 'second', arguments: '' } },
    ]);
    collector.push([{ index: 0, id: 'call_a', type: 'function', function: { name: 'fir' } }]);
    collector.push([{ index: 0, function: { name: 'st', arguments: '{"a":' } }]);
    collector.push([{ index: 1, function: { arguments: '{}' } }]);
    collector.push([{ index: 0, function: { arguments: '1}' } }]);
    collector.push(undefined);
    expect(collector.calls()).toEqual([
      { id: 'call_a', name: 'first', arguments: '{"a":1}' },
      { id: 'call_b', name: 'second', arguments: '{}' },
    ]);
  });

  it('names a call the provider sent without an id after its index', () => {
    const collector = new ToolCallCollector();
    collector.push([{ index: 2, function: { name: 'f', arguments: '{}' } }]);
    expect(collector.calls()).toEqual([{ id: 'call_2', name: 'f', arguments: '{}' }]);
  });

  it('has nothing when no tool call came', () => {
    expect(new ToolCallCollector().calls()).toEqual([]);
  });
});

describe('parseToolArguments', () => {
  it('parses a JSON object', () => {
    expect(parseToolArguments('{"city":"Paris","days":[1,2]}')).toEqual({ city: 'Paris', days: [1, 2] });
  });

  it.each([[''], ['  '], ['{"city":'], ['[1,2]'], ['"text"'], ['null']])(
    'gives {} for %j (empty, broken, or not an object)',
    (text) => {
      expect(parseToolArguments(text)).toEqual({});
    },
  );
});

describe('parseJsonObject', () => {
  it('is null for anything but a JSON object', () => {
    expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonObject('[{"a":1}]')).toBeNull();
    expect(parseJsonObject('{a:1}')).toBeNull();
  });
});
