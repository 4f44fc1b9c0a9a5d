// Reading OpenAI messages into the neutral conversation the SDK adapters translate from.
import { describe, expect, it } from 'vitest';
import {
  conversationOf,
  parseDataUrl,
  parseToolArguments,
  stopSequencesOf,
  toolChoiceOf,
} from './sdk-conversation';
import type { ChatParams } from './types';

describe('conversationOf', () => {
  it('collects system and developer messages, merges turns of one role and puts tool results first', () => {
    const conversation = conversationOf([
      { role: 'system', content: 'A' },
      { role: 'user', content: 'one' },
      {
        role: 'user',
        content: [{ type: 'text', text: 'two', prompt_cache_breakpoint: { mode: 'explicit' } }],
      },
      { role: 'developer', content: [{ type: 'text', text: 'B' }] },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
      },
      { role: 'user', content: 'also this' },
      { role: 'tool', tool_call_id: 'c1', content: 'found' },
      {
        role: 'tool',
        tool_call_id: 'c9',
        content: [
          { type: 'text', text: 'x' },
          { type: 'text', text: 'y' },
        ],
      },
    ]);
    expect(conversation).toEqual({
      system: [
        { text: 'A', cache: false },
        { text: 'B', cache: false },
      ],
      turns: [
        {
          role: 'user',
          blocks: [
            { type: 'text', text: 'one', cache: false },
            { type: 'text', text: 'two', cache: true },
          ],
        },
        { role: 'assistant', blocks: [{ type: 'tool_call', id: 'c1', name: 'lookup', input: { q: 1 } }] },
        {
          role: 'user',
          blocks: [
            { type: 'tool_result', callId: 'c1', name: 'lookup', texts: ['found'], cache: false },
            { type: 'tool_result', callId: 'c9', name: null, texts: ['x', 'y'], cache: false },
            { type: 'text', text: 'also this', cache: false },
          ],
        },
      ],
    });
  });

  it('reads images, audio and files', () => {
    const { turns } = conversationOf([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklG' } },
          { type: 'image_url', image_url: { url: 'https://example.com/x.png' } },
          { type: 'input_audio', input_audio: { data: 'AAAA', format: 'mp3' } },
          { type: 'file', file: { file_data: 'JVBE', filename: 'a.PDF' } },
        ],
      },
    ]);
    expect(turns[0]?.blocks).toEqual([
      { type: 'image', source: { kind: 'base64', mediaType: 'image/webp', data: 'UklG' }, cache: false },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/x.png' }, cache: false },
      { type: 'audio', format: 'mp3', data: 'AAAA', cache: false },
      { type: 'file', filename: 'a.PDF', cache: false, mediaType: 'application/pdf', data: 'JVBE' },
    ]);
  });

  it('refuses what it cannot read', () => {
    expect(() => conversationOf([{ role: 'function', name: 'f', content: 'x' }])).toThrow(
      /function messages/,
    );
    expect(() =>
      conversationOf([
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] },
      ]),
    ).toThrow(/image_url.url must be/);
    expect(() =>
      conversationOf([{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }]),
    ).toThrow(/file_id/);
  });
});

describe('small readers', () => {
  it('parses base64 data URLs only', () => {
    expect(parseDataUrl('data:image/PNG;base64,AAA=')).toEqual({ mediaType: 'image/png', data: 'AAA=' });
    expect(parseDataUrl('data:application/pdf;name=a.pdf;base64,JVBE')).toEqual({
      mediaType: 'application/pdf',
      data: 'JVBE',
    });
    expect(parseDataUrl('data:text/plain,hello')).toBeNull();
    expect(parseDataUrl('https://example.com/a.png')).toBeNull();
  });

  it('parses tool arguments into an object', () => {
    expect(parseToolArguments('{"a":[1]}', 'f')).toEqual({ a: [1] });
    expect(parseToolArguments('  ', 'f')).toEqual({});
    expect(() => parseToolArguments('[1]', 'f')).toThrow(
      'the arguments of the call to "f" must be a JSON object',
    );
  });

  it('reads stop and tool_choice', () => {
    const base: ChatParams = { model: 'm', messages: [] };
    expect(stopSequencesOf({ ...base, stop: 'END' })).toEqual(['END']);
    expect(stopSequencesOf({ ...base, stop: null })).toEqual([]);
    expect(toolChoiceOf(base)).toBeNull();
    expect(toolChoiceOf({ ...base, tool_choice: { type: 'function', function: { name: 'f' } } })).toEqual({
      mode: 'named',
      name: 'f',
    });
  });
});
