// Builds Langflow-format flow JSON (nodes + edges with œ-encoded handles) for tests.

function handleString(obj) {
  return JSON.stringify(obj).replaceAll('"', 'œ');
}

export function node(id, type, { displayName = type, icon = '', fields = {}, outputs = [] } = {}) {
  const template = Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [name, { type: typeof value === 'boolean' ? 'bool' : 'str', value, show: true }]),
  );
  return {
    id,
    type: 'genericNode',
    position: { x: 0, y: 0 },
    data: {
      id,
      type,
      node: {
        display_name: displayName,
        icon,
        template,
        outputs: outputs.map((name) => ({ name, types: ['Message'], selected: 'Message' })),
      },
    },
  };
}

export function edge(source, output, target, field) {
  const dataType = source.split('-')[0];
  const sourceHandle = { dataType, id: source, name: output, output_types: ['Message'] };
  const targetHandle = { fieldName: field, id: target, inputTypes: ['Message'], type: 'str' };
  return {
    id: `reactflow__edge-${source}${handleString(sourceHandle)}-${target}${handleString(targetHandle)}`,
    source,
    target,
    sourceHandle: handleString(sourceHandle),
    targetHandle: handleString(targetHandle),
    data: { sourceHandle, targetHandle },
  };
}

export const REFERENCE_FLOW_ID = '3b1f6a52-8d0e-4c7a-9f2b-6e5d4c3b2a10';

/** The flow behind the reference examples: ChatInput -> OpenAI (gpt-4o-mini) -> ChatOutput. */
export function referenceFlow({ simReply = 'Hello! How can I help?', endpointName = 'reference-agent' } = {}) {
  return {
    name: 'Reference agent',
    description: 'Chat Input -> OpenAI -> Chat Output, as in the reference examples',
    endpoint_name: endpointName,
    data: {
      nodes: [
        node('ChatInput-a1B2c', 'ChatInput', { displayName: 'Chat Input', fields: { input_value: '', should_store_message: true, sender: 'User', sender_name: 'User', session_id: '' }, outputs: ['message'] }),
        node('OpenAIModel-x9Y8z', 'OpenAIModel', {
          displayName: 'OpenAI',
          icon: 'OpenAI',
          fields: { input_value: '', system_message: '', model_name: 'gpt-4o-mini', temperature: 0.1, stream: false, ...(simReply ? { sim_reply: simReply } : {}) },
          outputs: ['text_output', 'model_output'],
        }),
        node('ChatOutput-q7W3e', 'ChatOutput', { displayName: 'Chat Output', fields: { input_value: '', should_store_message: true, sender: 'Machine', sender_name: 'AI', session_id: '' }, outputs: ['message'] }),
      ],
      edges: [
        edge('ChatInput-a1B2c', 'message', 'OpenAIModel-x9Y8z', 'input_value'),
        edge('OpenAIModel-x9Y8z', 'text_output', 'ChatOutput-q7W3e', 'input_value'),
      ],
    },
  };
}

/** ChatInput -> Prompt("You are {persona}. Answer: {input}") -> OpenAIModel -> ChatOutput. */
export function personaFlow({ persona = 'a pirate captain', name = 'Persona agent', endpointName = 'persona-agent', simReply } = {}) {
  return {
    name,
    endpoint_name: endpointName,
    data: {
      nodes: [
        node('ChatInput-p1', 'ChatInput', { displayName: 'Chat Input', fields: { input_value: '' }, outputs: ['message'] }),
        node('Prompt-p2', 'Prompt', { displayName: 'Prompt', fields: { template: 'You are {persona}. Answer: {input}', persona, input: '' }, outputs: ['prompt'] }),
        node('OpenAIModel-p3', 'OpenAIModel', {
          displayName: 'OpenAI', icon: 'OpenAI',
          fields: { input_value: '', system_message: '', model_name: 'gpt-4o-mini', ...(simReply ? { sim_reply: simReply } : {}) },
          outputs: ['text_output', 'model_output'],
        }),
        node('ChatOutput-p4', 'ChatOutput', { displayName: 'Chat Output', fields: {}, outputs: ['message'] }),
      ],
      edges: [
        edge('ChatInput-p1', 'message', 'Prompt-p2', 'input'),
        edge('Prompt-p2', 'prompt', 'OpenAIModel-p3', 'input_value'),
        edge('OpenAIModel-p3', 'text_output', 'ChatOutput-p4', 'input_value'),
      ],
    },
  };
}

/** ChatInput wired straight into ChatOutput. */
export function echoFlow({ name = 'Echo', endpointName = 'echo' } = {}) {
  return {
    name,
    endpoint_name: endpointName,
    data: {
      nodes: [
        node('ChatInput-e1', 'ChatInput', { displayName: 'Chat Input', outputs: ['message'] }),
        node('ChatOutput-e2', 'ChatOutput', { displayName: 'Chat Output', outputs: ['message'] }),
      ],
      edges: [edge('ChatInput-e1', 'message', 'ChatOutput-e2', 'input_value')],
    },
  };
}
