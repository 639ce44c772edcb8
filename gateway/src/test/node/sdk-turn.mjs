// One delegated turn through the gateway with the OpenAI Agents SDK realtime client
// (@openai/agents-realtime over its WebSocket transport), to show that an off-the-shelf GA client
// works against our relay.
//
//   node sdk-turn.mjs <ws-base-url, e.g. ws://127.0.0.1:8080/v1/realtime>
//
// Prints {"transcript": "..."} and exits 0, or prints the error and exits 1.
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';

const QUESTION = "What's the weather in Paris and any news about France?";
const TIMEOUT_MS = 45_000;

const base = process.argv[2];
if (!base || !/^wss?:\/\//.test(base)) {
  console.error('usage: node sdk-turn.mjs <ws-base-url e.g. ws://127.0.0.1:8080/v1/realtime>');
  process.exit(2);
}
// The transport uses the URL exactly as given (it appends ?model= only when no url is passed),
// so the model goes into the query here, as the OpenAI endpoint expects it.
const url = new URL(base);
if (!url.searchParams.has('model')) url.searchParams.set('model', 'gpt-realtime');

// The client runs unchanged: the gateway hides its server-owned ask_agents calls, so the SDK never sees a call
// for a tool it does not have.
// No instructions and no tools from this side: the gateway owns both. An instructions function that
// returns undefined keeps the field out of the SDK's session.update (an empty string would clear it).
const agent = new RealtimeAgent({ name: 'gateway-check', instructions: async () => undefined });
const session = new RealtimeSession(agent, {
  transport: new OpenAIRealtimeWebSocket({ url: url.toString() }),
  model: 'gpt-realtime',
  config: { outputModalities: ['text'] },
});

let finished = false;

function fail(message) {
  if (finished) return;
  finished = true;
  console.error(`sdk-turn failed: ${message}`);
  try { session.close(); } catch { /* ignore */ }
  process.exit(1);
}

const timer = setTimeout(() => fail(`no final answer within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);

const answer = new Promise((resolve) => {
  // agent_end fires on every response.done; the first one is the ask_agents call (no text),
  // the answer comes in the response the gateway starts once the agents have replied.
  session.on('agent_end', (_ctx, _agent, text) => {
    if (text && text.trim()) resolve(text.trim());
  });
});
session.on('error', (e) => {
  const err = e?.error;
  const detail = err?.error?.message ?? err?.message ?? JSON.stringify(err ?? e);
  fail(detail);
});
session.transport.on('connection_change', (status) => {
  if (status === 'disconnected') fail('the gateway closed the connection');
});

try {
  // The gateway owns the OpenAI key and ignores this one; the SDK only insists that one is set.
  await session.connect({ apiKey: 'sk-ignored-by-gateway', url: url.toString() });
  session.sendMessage(QUESTION);
  const transcript = await answer;
  clearTimeout(timer);
  finished = true;
  console.log(JSON.stringify({ transcript }));
  session.close();
  process.exit(0);
} catch (e) {
  fail(e?.message || String(e));
}
