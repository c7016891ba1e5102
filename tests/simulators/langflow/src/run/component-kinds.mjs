// Which Langflow component types the simulator interprets, by node `data.type`.

const OUTPUT_TYPES = new Set(['ChatOutput', 'TextOutput', 'DataOutput']);
const PROMPT_TYPES = new Set(['Prompt', 'PromptTemplate', 'Prompt Template']);
const MEMORY_TYPES = new Set(['Memory', 'MessageHistory', 'Message History']);

export function kindOf(type) {
  if (type === 'ChatInput') return 'chat_input';
  if (type === 'TextInput') return 'text_input';
  if (type === 'ChatOutput') return 'chat_output';
  if (type === 'TextOutput' || type === 'DataOutput') return 'text_output';
  if (PROMPT_TYPES.has(type)) return 'prompt';
  if (MEMORY_TYPES.has(type)) return 'memory';
  // Any model component: OpenAIModel, AnthropicModel, LanguageModelComponent, ...; the
  // Agent component is treated as a model whose system field is `system_prompt`.
  if (type === 'Agent' || /Model(Component)?$/.test(type ?? '')) return 'model';
  return 'unknown';
}

/** lfx marks these vertex types as outputs (they are what output_type selects from). */
export function isOutputType(type) {
  return OUTPUT_TYPES.has(type);
}
