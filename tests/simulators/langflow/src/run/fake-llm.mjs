// The deterministic stand-in for every model component. Same input, same output,
// same token counts - on every machine, every run.

// A token is a run of letters/digits/apostrophes or a single other symbol, each
// carrying its leading whitespace ("Hello! How" -> "Hello", "!", " How"), which is how
// the reference stream example chunks "Hello! How can I help?". Chunks always
// concatenate back to the exact text.
const TOKEN = /\s*[\p{L}\p{N}_']+|\s*[^\s\p{L}\p{N}_']|\s+/gu;

export function tokenize(text) {
  return text ? text.match(TOKEN) ?? [] : [];
}

export function countTokens(text) {
  return tokenize(text).length;
}

export function firstWords(text, n = 4) {
  return text.trim().split(/\s+/).slice(0, n).join(' ');
}

/**
 * system:   the model's system message (system_message / system_prompt), may be ''
 * prompt:   what arrived on the model's input_value (e.g. the rendered Prompt)
 * userText: the Chat Input text of this run ('' if none) - the "question"
 * turn:     1 + replies already stored in this session
 * canned:   sim_reply value, or undefined
 */
export function fakeCompletion({ system, prompt, userText, turn, canned }) {
  let reply;
  if (typeof canned === 'string' && canned !== '') {
    reply = canned.replaceAll('{input}', userText).replaceAll('{turn}', String(turn));
  } else {
    const context = system.trim() !== '' ? system : prompt.trim() !== userText.trim() ? prompt : '';
    reply = context ? `[${firstWords(context)}] ${userText} (turn ${turn})` : `${userText} (turn ${turn})`;
  }
  const input_tokens = countTokens(system) + countTokens(prompt);
  const output_tokens = countTokens(reply);
  return { reply, usage: { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens } };
}
