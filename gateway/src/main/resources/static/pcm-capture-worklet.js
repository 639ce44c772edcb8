// AudioWorklet: mono float input at the context rate -> PCM16 little-endian at targetRate,
// posted to the main thread in chunks of chunkMs.
class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate = 24000, chunkMs = 40 } = options.processorOptions || {};
    this.ratio = sampleRate / targetRate;        // input samples per output sample
    this.chunkLength = Math.round(targetRate * chunkMs / 1000);
    this.chunk = new Int16Array(this.chunkLength);
    this.filled = 0;
    // Downsampling: average the input samples that fall into each output sample (box filter,
    // enough anti-aliasing for speech). Upsampling: linear interpolation.
    this.acc = 0;
    this.count = 0;
    this.pos = 0;
    this.prev = 0;
  }

  emit(value) {
    const s = Math.max(-1, Math.min(1, value));
    this.chunk[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    if (this.filled === this.chunkLength) {
      const out = this.chunk.buffer;
      this.port.postMessage(out, [out]); // transferred: this.chunk is detached from here on
      this.chunk = new Int16Array(this.chunkLength);
      this.filled = 0;
    }
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    if (this.ratio >= 1) {
      for (let i = 0; i < channel.length; i++) {
        this.acc += channel[i];
        this.count++;
        this.pos += 1;
        if (this.pos >= this.ratio) {
          this.emit(this.acc / this.count);
          this.pos -= this.ratio;
          this.acc = 0;
          this.count = 0;
        }
      }
    } else {
      // pos is the fractional position of the next output sample between prev and the current input.
      for (let i = 0; i < channel.length; i++) {
        const cur = channel[i];
        while (this.pos < 1) {
          this.emit(this.prev + (cur - this.prev) * this.pos);
          this.pos += this.ratio;
        }
        this.pos -= 1;
        this.prev = cur;
      }
    }
    return true;
  }
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
