// Audio in and out for the realtime session: PCM16 mono 24 kHz both ways, base64 on the wire.

export const PCM_RATE = 24000;

export function base64FromBytes(bytes) {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

function floatsFromPcm16Base64(b64) {
  const binary = atob(b64);
  const samples = new Float32Array(binary.length >> 1);
  for (let i = 0; i < samples.length; i++) {
    let v = binary.charCodeAt(2 * i) | (binary.charCodeAt(2 * i + 1) << 8);
    if (v >= 0x8000) v -= 0x10000;
    samples[i] = v / 0x8000;
  }
  return samples;
}

/**
 * Gapless playback of output audio deltas. Every chunk is scheduled right after the previous one;
 * the player remembers what it scheduled per item so a barge-in can tell the server how much of
 * the item the person actually heard.
 */
export class AudioPlayer {
  #ctx = null;
  #nextStart = 0;
  #sources = [];          // {source, itemId, start, duration}
  #heardMs = new Map();   // itemId -> ms fully played by chunks that already ended
  muted = false;

  #context() {
    if (!this.#ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      try {
        this.#ctx = new Ctx({ sampleRate: PCM_RATE, latencyHint: 'interactive' });
      } catch {
        this.#ctx = new Ctx();
      }
    }
    return this.#ctx;
  }

  /** Call from a user gesture so the browser lets us play sound. */
  unlock() {
    const ctx = this.#context();
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
  }

  enqueue(itemId, base64) {
    if (this.muted || !base64) return;
    const samples = floatsFromPcm16Base64(base64);
    if (samples.length === 0) return;
    const ctx = this.#context();
    const buffer = ctx.createBuffer(1, samples.length, PCM_RATE);
    buffer.copyToChannel(samples, 0);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    const start = Math.max(this.#nextStart, ctx.currentTime + 0.03);
    source.start(start);
    this.#nextStart = start + buffer.duration;
    const entry = { source, itemId, start, duration: buffer.duration };
    this.#sources.push(entry);
    source.onended = () => {
      const i = this.#sources.indexOf(entry);
      if (i >= 0) {
        this.#sources.splice(i, 1);
        this.#heardMs.set(itemId, (this.#heardMs.get(itemId) || 0) + entry.duration * 1000);
      }
    };
  }

  /** The item whose audio is still audible or queued, or null. */
  get playingItemId() {
    return this.#sources.length ? this.#sources[0].itemId : null;
  }

  /**
   * Stops everything now. Returns {itemId, playedMs} for the item that was audible,
   * or null when nothing was playing.
   */
  interrupt() {
    if (!this.#ctx || this.#sources.length === 0) return null;
    const now = this.#ctx.currentTime;
    const itemId = this.#sources[0].itemId;
    let playedMs = this.#heardMs.get(itemId) || 0;
    for (const entry of this.#sources) {
      if (entry.itemId === itemId) {
        const played = Math.min(Math.max(now - entry.start, 0), entry.duration);
        playedMs += played * 1000;
      }
      entry.source.onended = null;
      try { entry.source.stop(); } catch { /* already stopped */ }
    }
    this.#sources = [];
    this.#nextStart = 0;
    return { itemId, playedMs: Math.floor(playedMs) };
  }

  stop() {
    this.interrupt();
    this.#heardMs.clear();
  }
}

/**
 * Microphone capture: getUserMedia into an AudioWorklet that resamples from the context rate to
 * 24 kHz and hands over PCM16 chunks of about 40 ms.
 */
export class Microphone {
  #ctx = null;
  #stream = null;
  #node = null;
  #source = null;

  get active() {
    return this.#stream !== null;
  }

  async start(onChunk) {
    if (this.active) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new Error('This browser cannot record audio here (a secure origin, https or localhost, is required).');
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)({ latencyHint: 'interactive' });
      await ctx.audioWorklet.addModule(new URL('./pcm-capture-worklet.js', import.meta.url));
      const source = ctx.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(ctx, 'pcm-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
        processorOptions: { targetRate: PCM_RATE, chunkMs: 40 },
      });
      node.port.onmessage = (e) => onChunk(new Uint8Array(e.data));
      source.connect(node);
      if (ctx.state === 'suspended') await ctx.resume();
      this.#ctx = ctx;
      this.#source = source;
      this.#node = node;
      this.#stream = stream;
    } catch (e) {
      stream.getTracks().forEach((t) => t.stop());
      throw e;
    }
  }

  stop() {
    this.#stream?.getTracks().forEach((t) => t.stop());
    try { this.#source?.disconnect(); } catch { /* ignore */ }
    if (this.#node) this.#node.port.onmessage = null;
    this.#ctx?.close().catch(() => {});
    this.#ctx = this.#stream = this.#node = this.#source = null;
  }
}
