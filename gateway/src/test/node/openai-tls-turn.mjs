// One delegated turn through the gateway over wss:// with the official `openai` package's realtime client
// (OpenAIRealtimeWebSocket), unchanged: it always connects with TLS, so the gateway serves its own certificate
// and Node trusts it the way Node users do, through NODE_EXTRA_CA_CERTS.
//
//   NODE_EXTRA_CA_CERTS=gateway-ca.pem node --experimental-websocket openai-tls-turn.mjs https://127.0.0.1:8443/v1
//
// Prints {"answer": "..."} and exits 0, or prints the error and exits 1.
import OpenAI from 'openai';
import { OpenAIRealtimeWebSocket } from 'openai/realtime/websocket';

const QUESTION = "What's the weather in Paris and any news about France?";
const TIMEOUT_MS = 45_000;

const baseURL = process.argv[2];
if (!baseURL || !baseURL.startsWith('https://')) {
  console.error('usage: node openai-tls-turn.mjs <https base URL of the gateway, e.g. https://127.0.0.1:8443/v1>');
  process.exit(2);
}

function fail(message) {
  console.error(`openai-tls-turn failed: ${message}`);
  process.exit(1);
}
setTimeout(() => fail(`no answer within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS).unref();

// The gateway holds the OpenAI key; the client's "key" is the gateway credential, here any placeholder.
const client = new OpenAI({ apiKey: 'gateway-placeholder', baseURL });
const rt = new OpenAIRealtimeWebSocket({ model: 'gpt-realtime' }, client);

let text = '';
rt.on('error', (err) => fail(err?.message ?? String(err)));
rt.socket.addEventListener('error', () => fail('the WebSocket failed (TLS or connection)'));
rt.socket.addEventListener('close', (event) => fail(`the gateway closed the connection (${event.code})`));

rt.on('session.created', () => {
  rt.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
  rt.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: QUESTION }] },
  });
  rt.send({ type: 'response.create' });
});
rt.on('response.output_text.delta', (event) => { text += event.delta; });
rt.on('response.done', () => {
  // the first response is the hidden ask_agents call; the answer comes in the one the gateway asks for
  if (text.trim()) {
    console.log(JSON.stringify({ answer: text.trim() }));
    process.exit(0);
  }
});
